using System.CommandLine;
using System.Globalization;
using RareEarth.Reporting;
using RareEarth.Runner.Batch;
using RareEarth.Runner.Calibration;
using RareEarth.Runner.Store;
using RareEarth.Scenarios;

namespace RareEarth.Cli;

/// <summary>
/// <c>calibrate SCENARIO --targets FILE</c>: fits the scenario's uncertain parameters to history by ABC-SMC, each
/// generation a batch into a results store; writes the posterior as a scenario overlay and a fit report.
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create()
    {
        var scenario = Common.ScenarioArgument();
        var targets = new Option<string>("--targets") { Description = "Targets file (scenarios/calibration/*.yaml): history series to fit and to validate on", Required = true };
        var particles = new Option<int>("--particles") { Description = $"Particles per generation (accepted proposals), 10 to {CalibrationSettings.MaxParticles:N0}", DefaultValueFactory = _ => 400 };
        var generations = new Option<int>("--generations") { Description = $"ABC-SMC generations, 1 to {CalibrationSettings.MaxGenerations}", DefaultValueFactory = _ => 5 };
        var outDir = new Option<string?>("--out") { Description = "Calibration folder: stores, populations, overlay.yaml, fit.md (default results/calibration/<scenario>); run the same command again to resume" };
        var overlay = new Option<string?>("--overlay") { Description = "Where to write the overlay (default <out>/overlay.yaml); its extends: is relative to it" };
        var seed = Common.MasterSeedOption("the proposals, kernels and run seeds of every generation are drawn from it");
        var threads = new Option<int>("--threads") { Description = "Worker threads, 1 to 256, by default one per core; the results do not depend on it", DefaultValueFactory = _ => Math.Min(Environment.ProcessorCount, 256) };
        var shardOpt = new Option<string?>("--shard") { Description = "Run only part k/n of the next unfinished generation into its own store and stop; run calibrate without --shard once every part is done (it merges them)" };
        var set = Common.SetOption();
        var cmd = new Command("calibrate", "Fit a scenario's uncertain parameters to history (ABC-SMC on batches): writes a scenario overlay with the posterior and a fit report with out-of-sample scores.")
            { scenario, targets, particles, generations, outDir, overlay, seed, threads, shardOpt, set };
        cmd.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(scenario)!;
            int n = parse.GetValue(particles), g = parse.GetValue(generations), k = parse.GetValue(threads);
            if (n is < 10 or > CalibrationSettings.MaxParticles) return Fail($"--particles must be 10 to {CalibrationSettings.MaxParticles:N0}, found {n}");
            if (g is < 1 or > CalibrationSettings.MaxGenerations) return Fail($"--generations must be 1 to {CalibrationSettings.MaxGenerations}, found {g}");
            if (k is < 1 or > 256) return Fail($"--threads must be 1 to 256, found {k}");
            BatchShard? shard = null;
            if (parse.GetValue(shardOpt) is { } shardText)
            {
                try { shard = BatchShard.Parse(shardText); }
                catch (FormatException e) { return Fail(e.Message); }
            }
            var s = BatchCommands.LoadScenario(path, parse.GetValue(set) ?? Array.Empty<string>());
            if (s is null) return Common.InvalidInput;
            var targetsPath = parse.GetValue(targets)!;
            if (Directory.Exists(targetsPath) || !File.Exists(targetsPath)) return Fail($"--targets {targetsPath}: no such file");
            var dir = parse.GetValue(outDir) ?? Path.Combine("results", "calibration", Path.GetFileNameWithoutExtension(path));
            CalibrationJob job;
            try
            {
                var t = TargetsFile.Load(targetsPath);
                job = CalibrationJob.Open(dir, s, t, new CalibrationSettings(n, g, parse.GetValue(seed)), BatchStore.CommandLineText());
            }
            catch (ScenarioException e)
            {
                Console.Error.WriteLine($"error: {targetsPath} is not a valid targets file for {path} ({e.Errors.Count} problem{(e.Errors.Count == 1 ? "" : "s")}):");
                foreach (var err in e.Errors) Console.Error.WriteLine("  " + err);
                return Common.InvalidInput;
            }
            catch (Exception e) when (e is InvalidDataException or InvalidOperationException or IOException or UnauthorizedAccessException) { return Fail(Writing.OneLine(e.Message)); }

            var setup = job.Setup;
            Console.WriteLine($"{s.Nominal.Name}: ABC-SMC over {job.Uncertain.Count} parameters ({string.Join(", ", job.Uncertain.Select(p => p.Path))}), " +
                              $"{n} particles x {g} generations ({job.Proposals} proposals each), {setup.Targets.Fitted.Count()} fitted and {setup.Targets.Validation.Count()} validation targets, " +
                              $"{k} thread{(k == 1 ? "" : "s")} -> {dir}");
            using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(ct);
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; Console.Error.WriteLine("interrupted: committing the runs in progress"); interrupt.Cancel(); };
            Console.CancelKeyPress += onCancel;
            using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; interrupt.Cancel(); });
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                while (job.NextStep() is { } step)
                {
                    using var store = job.OpenStore(step, shard);
                    int before = store.CompletedRuns().Count, planned = shard?.RunsIn(step.Plan) ?? step.Plan.Runs;
                    if (before > 0) Console.WriteLine($"resuming {step.Name}: {before} runs already stored, {planned - before} to run");
                    var progress = new BatchProgress();
                    var run = Task.Factory.StartNew(() => BatchRunner.Run(store, step.Plan, s, setup.Layout, k, progress, interrupt.Token, BatchStore.CommandLineText(), shard,
                        () => new CalibrationWorker(step.Plan, s, setup)), TaskCreationOptions.LongRunning);
                    await BatchCommands.ShowProgress(progress, run, planned, before, $"calibrate {step.Name}");
                    var outcome = await run;
                    if (!outcome.Complete)
                    {
                        Console.WriteLine($"interrupted in {step.Name} with {outcome.DoneBefore + outcome.RanNow} of {planned} runs stored; run the same command again to resume");
                        return Common.Failed;
                    }
                    if (shard is not null)
                    {
                        Console.WriteLine($"shard {shard} of {step.Name} complete ({planned} runs in {step.StorePath(dir, shard)}). When every shard is done, run the same command without --shard: it merges them and plans the next generation");
                        return Common.Ok;
                    }
                    if (step.Generation >= 0)
                    {
                        var pop = job.CompleteGeneration(step, store);
                        var medians = string.Join(", ", job.Uncertain.Select((p, i) =>
                            $"{p.Path} {Analysis.WeightedStats.Quantile(pop.Theta.Select(r => r[i]).ToArray(), pop.Weights, 0.5).ToString("G3", CultureInfo.InvariantCulture)}"));
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{step.Name}: {pop.Runs.Length} of {pop.Proposed} proposals accepted at tolerance {pop.Epsilon:G4} ({pop.Failed} failed), effective sample size {pop.EffectiveSampleSize:F0}; medians: {medians}"));
                    }
                    else Console.WriteLine($"{step.Name}: {outcome.DoneBefore + outcome.RanNow} predictive runs");
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or AggregateException or DuckDB.NET.Data.DuckDBException)
            {
                Console.Error.WriteLine("error: " + Writing.OneLine(e.Message));
                return e is IncompleteBatchException or InvalidDataException ? Common.InvalidInput : Common.Failed;
            }
            finally { Console.CancelKeyPress -= onCancel; }

            var results = CalibrationResults.Read(job);
            var overlayPath = Path.GetFullPath(parse.GetValue(overlay) ?? Path.Combine(dir, "overlay.yaml"));
            var extends = Path.GetRelativePath(Path.GetDirectoryName(overlayPath)!, Path.GetFullPath(path)).Replace('\\', '/');
            var text = CalibrationOverlay.Text(results, extends, "calibrate " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1).SkipWhile(a => a != "calibrate").Skip(1)));
            Directory.CreateDirectory(Path.GetDirectoryName(overlayPath)!);
            File.WriteAllText(overlayPath, text);
            try { ScenarioCompiler.LoadAndCompile(overlayPath); }
            catch (ScenarioException e)
            {
                Console.Error.WriteLine($"error: the overlay {overlayPath} does not load ({e.Errors.Count} problems); please report this:");
                foreach (var err in e.Errors) Console.Error.WriteLine("  " + err);
                return Common.Failed;
            }
            var report = CalibrationReport.Write(results, dir);
            Console.WriteLine();
            Console.WriteLine(CalibrationReport.ValidationTable(results));
            Console.WriteLine($"{results.TotalRuns} runs; wrote {overlayPath} and {Path.Combine(dir, "fit.md")} ({report.Charts.Count} charts) in {clock.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s");
            return Common.Ok;
        });
        return cmd;
    }

    static int Fail(string message)
    {
        Console.Error.WriteLine("error: " + message);
        return Common.InvalidInput;
    }
}
