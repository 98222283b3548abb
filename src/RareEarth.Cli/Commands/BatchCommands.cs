using System.CommandLine;
using System.Globalization;
using RareEarth.Reporting;
using RareEarth.Runner.Batch;
using RareEarth.Runner.Output;
using RareEarth.Runner.Store;
using RareEarth.Scenarios;
using Spectre.Console;

namespace RareEarth.Cli;

/// <summary>
/// <c>batch</c>, <c>sweep</c>, <c>export</c> and <c>report</c>: many runs of one scenario into a DuckDB results
/// store, and what is read back from it.
/// </summary>
internal static class BatchCommands
{
    public static IEnumerable<Command> Create() => new[] { Batch(), Sweep(), Merge(), Export(), Report(), Compare(), SqlCommand.Create() };

    /// <summary>The most worker threads a batch uses (the runner's limit).</summary>
    const int MaxThreads = 256;

    static Option<int> ThreadsOption()
    {
        var o = new Option<int>("--threads")
        {
            Description = $"Worker threads, 1 to {MaxThreads}, by default one per core; the results do not depend on it",
            DefaultValueFactory = _ => Math.Min(Environment.ProcessorCount, MaxThreads),
        };
        o.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > MaxThreads) r.AddError($"--threads must be 1 to {MaxThreads}, found {r.GetValueOrDefault<int>()}");
        });
        return o;
    }

    static Option<bool> NoCounterfactualOption() => new("--no-counterfactual")
    {
        Description = "Do not pair each run with a run without the confrontation (about half the time; the *_vs_cf_* and resilience columns are then absent). Stored as --set counterfactual=false",
    };

    /// <summary>The batch's --set overrides; --no-counterfactual is one of them, so the store, resume, merge and each run's reproduce command carry it.</summary>
    static string[] Overrides(string[]? set, bool noCounterfactual) =>
        noCounterfactual ? (set ?? Array.Empty<string>()).Append("counterfactual=false").ToArray() : set ?? Array.Empty<string>();

    static Option<string?> OutDbOption(string defaultName) => new("--out") { Description = $"Results store to create (a DuckDB file; default results/batches/{defaultName}.duckdb)" };

    // ------------------------------------------------------------------ batch

    static Command Batch()
    {
        var scenario = new Argument<string?>("scenario") { Description = "Scenario file (YAML) declaring 'uncertain:' parameters; omit with --resume", Arity = ArgumentArity.ZeroOrOne };
        var runs = new Option<int?>("--runs") { Description = $"Runs (mc, lhs) or base samples N (sobol: N·(d+2) runs); at most {BatchDesigns.MaxRuns:N0} runs in all" };
        var seed = Common.MasterSeedOption("the seeds of the runs and their sampled parameter values are drawn from it");
        var threads = ThreadsOption();
        var design = new Option<string>("--design") { Description = "mc (Monte Carlo), lhs (Latin hypercube) or sobol (Saltelli design)", DefaultValueFactory = _ => "lhs" };
        design.AcceptOnlyFromAmong("mc", "lhs", "sobol");
        var outDb = OutDbOption("<scenario>-<design>-seed<S>[-shard<k>of<n>]");
        var set = Common.SetOption();
        var resume = new Option<string?>("--resume") { Description = "Resume an interrupted batch (or sweep) from its store: runs only the missing runs" };
        var shardOpt = new Option<string?>("--shard")
        {
            Description = "Run only part k of n of the batch (k/n, e.g. $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT) into its own store; join the parts with merge",
        };
        var noCf = NoCounterfactualOption();
        var cmd = new Command("batch", "Run a scenario many times, sampling its uncertain parameters; results go to a DuckDB store as runs finish.")
            { scenario, runs, seed, threads, design, outDb, set, noCf, resume, shardOpt };
        cmd.SetAction(async (parse, ct) =>
        {
            int k = parse.GetValue(threads);
            if (parse.GetValue(resume) is { } db)
            {
                if (parse.GetValue(scenario) is not null || parse.GetValue(runs) is not null || parse.GetValue(outDb) is not null || (parse.GetValue(set)?.Length ?? 0) > 0)
                    Console.Error.WriteLine("note: with --resume the scenario, design, seed and runs come from the store; only --threads is used");
                BatchJob job;
                try { job = BatchJob.Resume(db); }
                catch (Exception e) when (e is IOException or InvalidDataException or ScenarioException or DuckDB.NET.Data.DuckDBException)
                {
                    Console.Error.WriteLine($"error: cannot resume {db}: {e.Message}");
                    return Common.InvalidInput;
                }
                using (job) return await Execute(job, db, k, ct);
            }
            var path = parse.GetValue(scenario);
            if (path is null) { Console.Error.WriteLine("error: give a scenario file (or --resume DB)"); return Common.InvalidInput; }
            if (parse.GetValue(runs) is not int n || n < 1) { Console.Error.WriteLine("error: --runs N (at least 1) is required"); return Common.InvalidInput; }
            var s = LoadScenario(path, Overrides(parse.GetValue(set), parse.GetValue(noCf)));
            if (s is null) return Common.InvalidInput;
            BatchShard? shard = null;
            if (parse.GetValue(shardOpt) is { } shardText)
            {
                try { shard = BatchShard.Parse(shardText); }
                catch (FormatException e) { Console.Error.WriteLine("error: " + e.Message); return Common.InvalidInput; }
            }
            var kind = DesignKinds.Parse(parse.GetValue(design)!);
            int master = parse.GetValue(seed);
            BatchPlan plan;
            try { plan = BatchDesigns.Sampled(s, kind, n, master, BatchStore.CommandLineText()); }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return Common.InvalidInput;
            }
            var dbPath = parse.GetValue(outDb) ?? DefaultDb(path, DesignKinds.Name(kind), master, shard);
            return await CreateAndRun(plan, s, dbPath, k, ct, shard);
        });
        return cmd;
    }

    // ------------------------------------------------------------------ sweep

    static Command Sweep()
    {
        var scenario = Common.ScenarioArgument();
        var param = new Option<string[]>("--param")
        {
            Description = "A grid axis: path=from:to:step (repeatable; full factorial over all axes), e.g. countries.JP.hoarding_gain=1:3:0.5",
            Required = true, AllowMultipleArgumentsPerToken = false,
        };
        var reps = new Option<int>("--runs-per-point") { Description = "Seeded replications per grid point (replication r uses the same seed at every point)", DefaultValueFactory = _ => 1 };
        var seed = Common.MasterSeedOption("the seeds of the replications are drawn from it (replication r has the same seed at every grid point)");
        var threads = ThreadsOption();
        var outDb = OutDbOption("<scenario>-sweep-seed<S>");
        var set = Common.SetOption();
        var noCf = NoCounterfactualOption();
        var cmd = new Command("sweep", "Run a factorial grid over parameters, with replications per point, into a DuckDB store (resume with batch --resume).")
            { scenario, param, reps, seed, threads, outDb, set, noCf };
        cmd.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(scenario)!;
            List<SweepAxis> axes;
            try { axes = (parse.GetValue(param) ?? Array.Empty<string>()).Select(SweepAxis.Parse).ToList(); }
            catch (FormatException e) { Console.Error.WriteLine("error: " + e.Message); return Common.InvalidInput; }
            var s = LoadScenario(path, Overrides(parse.GetValue(set), parse.GetValue(noCf)));
            if (s is null) return Common.InvalidInput;
            int master = parse.GetValue(seed);
            BatchPlan plan;
            try { plan = BatchDesigns.Sweep(s, axes, parse.GetValue(reps), master, BatchStore.CommandLineText()); }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return Common.InvalidInput;
            }
            // a path that names no parameter would fail every run: check each axis before creating the store
            // (an invalid value at some grid point is not an error here: those runs are stored as failed)
            foreach (var (axis, k) in axes.Select((a, k) => (a, k)))
            {
                try { s.Compile(new[] { new KeyValuePair<string, string>(axis.Path, BatchPlan.Format(plan.Values[0, k])) }); }
                catch (ScenarioException e) when (e.Errors.Any(x => x.Message.Contains("unknown key") || x.Message.StartsWith("no key", StringComparison.Ordinal) || x.Message.Contains("cannot descend")))
                {
                    Console.Error.WriteLine($"error: --param {axis.Path} does not name a parameter of the scenario:");
                    foreach (var err in e.Errors) Console.Error.WriteLine("  " + err);
                    return Common.InvalidInput;
                }
                catch (ScenarioException) { }
            }
            var dbPath = parse.GetValue(outDb) ?? DefaultDb(path, "sweep", master);
            return await CreateAndRun(plan, s, dbPath, parse.GetValue(threads), ct);
        });
        return cmd;
    }

    // ------------------------------------------------------------------ export

    static Command Export()
    {
        var db = new Argument<string>("db") { Description = "Results store (DuckDB file) written by batch or sweep" };
        var format = new Option<string>("--format") { Description = "parquet or csv", DefaultValueFactory = _ => "parquet" };
        format.AcceptOnlyFromAmong("parquet", "csv");
        var outDir = new Option<string>("--out") { Description = "Output directory: created if new; a previous export there is replaced; a folder with other files is refused (see --force)", Required = true };
        var force = Writing.ForceOption();
        var cmd = new Command("export", "Write every table of a results store to one Parquet or CSV file each.") { db, format, outDir, force };
        cmd.SetAction(parse =>
        {
            var dir = parse.GetValue(outDir)!;
            if (Writing.Guard(dir, () => { OutputFolder.Check(dir, parse.GetValue(force)); return Common.Ok; }) is not Common.Ok and var refused) return refused;
            return ReadingStores(() =>
            {
                using var store = BatchStore.Open(parse.GetValue(db)!, readOnly: true);
                return Writing.Guard(dir, () =>
                {
                    var files = store.Export(dir, parse.GetValue(format)!, parse.GetValue(force));
                    foreach (var f in files) Console.WriteLine($"  {Path.Combine(dir, Path.GetFileName(f)),-50} {new FileInfo(f).Length,14:N0} bytes");
                    Console.WriteLine($"wrote {files.Count} files and export.json to {dir}");
                    return Common.Ok;
                });
            });
        });
        return cmd;
    }

    // ------------------------------------------------------------------ merge

    static Command Merge()
    {
        var stores = new Argument<string[]>("stores") { Description = "Stores of the same batch: its shards (batch --shard k/n), or partial copies", Arity = ArgumentArity.OneOrMore };
        var outDb = new Option<string>("--out") { Description = "The merged store to create", Required = true };
        var allowIncomplete = new Option<bool>("--allow-incomplete")
        {
            Description = "Merge even when runs are missing (by default an incomplete set is refused, naming the missing shards); run the rest with batch --resume on the merged store",
        };
        var cmd = new Command("merge", "Join the stores of one batch's shards into one store (equal to the batch run in one piece); refuses an incomplete set.") { stores, outDb, allowIncomplete };
        cmd.SetAction(parse =>
        {
            var output = parse.GetValue(outDb)!;
            return ReadingStores(() =>
            {
                var result = BatchMerge.Merge(output, parse.GetValue(stores)!, parse.GetValue(allowIncomplete));
                foreach (var (store, runs) in result.Copied) Console.WriteLine($"  {store}: {runs} runs");
                if (result.Complete)
                {
                    Console.WriteLine($"complete: {result.Planned} runs in {output}. Next: rareearth report {output}");
                    return Common.Ok;
                }
                Console.WriteLine($"{result.Stored} of {result.Planned} runs in {output}; run the missing ones with: rareearth batch --resume {output}");
                return Common.Failed;
            });
        });
        return cmd;
    }

    // ------------------------------------------------------------------ compare

    static Command Compare()
    {
        var a = new Argument<string>("a") { Description = "Results store of policy A (batch or sweep)" };
        var b = new Argument<string>("b") { Description = "Results store of policy B" };
        var outDir = new Option<string?>("--out") { Description = "Output directory (default: compare-<A>-vs-<B>/ next to A)" };
        var nameA = new Option<string?>("--name-a") { Description = "Label of A in tables and charts (default: its store's file name)" };
        var nameB = new Option<string?>("--name-b") { Description = "Label of B (default: its store's file name)" };
        var cmd = new Command("compare", "Policy A against policy B from two results stores: metric distributions, run-by-run differences when the batches share seeds, fans of both on one chart, costs per country.")
            { a, b, outDir, nameA, nameB };
        var force = Writing.ForceOption();
        cmd.Options.Add(force);
        cmd.SetAction(parse =>
        {
            string pa = parse.GetValue(a)!, pb = parse.GetValue(b)!;
            string la = parse.GetValue(nameA) ?? Path.GetFileNameWithoutExtension(pa), lb = parse.GetValue(nameB) ?? Path.GetFileNameWithoutExtension(pb);
            var dir = parse.GetValue(outDir) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(pa))!, $"compare-{Path.GetFileNameWithoutExtension(pa)}-vs-{Path.GetFileNameWithoutExtension(pb)}");
            return ReadingStores(() =>
            {
                using var sa = BatchStore.Open(pa, readOnly: true);
                using var sb = BatchStore.Open(pb, readOnly: true);
                CompareResult? result = null;
                var manifest = new System.Text.Json.Nodes.JsonObject { ["a"] = sa.Path, ["b"] = sb.Path, ["name_a"] = la, ["name_b"] = lb };
                int written = Writing.Guard(dir, () =>
                {
                    OutputFolder.Write(dir, "compare.json", manifest, staging => result = BatchCompare.Write(sa, sb, staging, la, lb), parse.GetValue(force));
                    return Common.Ok;
                });
                if (written != Common.Ok) return written;
                Console.WriteLine($"{(result!.Paired ? "paired runs (same seeds and parameter values)" : "unpaired batches")}: {result.Metrics.Count} metrics compared");
                Console.WriteLine($"wrote {Path.Combine(dir, Path.GetFileName(result.ReportPath))} and {result.Charts.Count} charts");
                return Common.Ok;
            });
        });
        return cmd;
    }

    // ------------------------------------------------------------------ report

    static Command Report()
    {
        var db = new Argument<string>("db") { Description = "Results store (DuckDB file) written by batch or sweep" };
        var outDir = new Option<string?>("--out") { Description = "Output directory (default: next to the store, <store>-report/)" };
        var where = new Option<string?>("--where")
        {
            Description = "Cases of interest for PRIM, a SQL condition on runs_wide (metric and parameter columns), " +
                          "e.g. \"shortage_months_JP_ndfeb_magnet > 6\" (default: top 20% of the first focus material's peak ROW price multiple)",
        };
        var cmd = new Command("report", "Charts and report.md from a results store alone: fan charts, sensitivity indices (Sobol for sobol designs, first order for mc/lhs), responses to swept parameters, PRIM box.") { db, outDir, where };
        var force = Writing.ForceOption();
        cmd.Options.Add(force);
        cmd.SetAction(parse =>
        {
            var path = parse.GetValue(db)!;
            var dir = parse.GetValue(outDir) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileNameWithoutExtension(path) + "-report");
            return ReadingStores(() =>
            {
                using var store = BatchStore.Open(path, readOnly: true);
                BatchReportResult? result = null;
                var manifest = new System.Text.Json.Nodes.JsonObject { ["store"] = store.Path, ["where"] = parse.GetValue(where) };
                int written = Writing.Guard(dir, () =>
                {
                    OutputFolder.Write(dir, "report.json", manifest, staging => result = BatchReport.Write(store, staging, parse.GetValue(where)), parse.GetValue(force));
                    return Common.Ok;
                });
                if (written != Common.Ok) return written;
                foreach (var w in result!.Warnings) Console.Error.WriteLine("warning: " + w);
                Console.WriteLine($"wrote {Path.Combine(dir, "report.md")} and {result.Charts.Count} charts");
                return Common.Ok;
            });
        });
        return cmd;
    }

    // ------------------------------------------------------------------ shared

    /// <summary>
    /// Runs a command that reads or writes results stores; a missing or foreign file, a store of another batch,
    /// bad SQL (--where, sql) or an unreadable scenario in a store ends it with "error: ..." and exit code 2.
    /// </summary>
    internal static int ReadingStores(Func<int> body)
    {
        try { return body(); }
        catch (Exception e) when (e is IOException or InvalidDataException or ScenarioException or ArgumentException or DuckDB.NET.Data.DuckDBException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return Common.InvalidInput;
        }
    }

    internal static BatchScenario? LoadScenario(string path, IReadOnlyList<string> overrides)
    {
        try
        {
            var s = BatchScenario.Load(path, overrides);
            foreach (var p in s.Fixed)
                Console.WriteLine($"note: --set fixes {p} for this batch: it is declared under uncertain: but is not sampled, every run uses the value set");
            return s;
        }
        catch (ScenarioException e)
        {
            Console.Error.WriteLine($"error: {path} is not a valid scenario ({e.Errors.Count} problem{(e.Errors.Count == 1 ? "" : "s")}):");
            foreach (var err in e.Errors) Console.Error.WriteLine("  " + err);
            return null;
        }
        catch (InvalidOperationException e) { Console.Error.WriteLine("error: " + e.Message); return null; }
    }

    static string DefaultDb(string scenario, string design, int seed, BatchShard? shard = null) =>
        Path.Combine("results", "batches", $"{Path.GetFileNameWithoutExtension(scenario)}-{design}-seed{seed}" +
                                           (shard is null ? "" : $"-shard{shard.Index}of{shard.Count}") + ".duckdb");

    static async Task<int> CreateAndRun(BatchPlan plan, BatchScenario scenario, string dbPath, int threads, CancellationToken ct, BatchShard? shard = null)
    {
        BatchJob job;
        try { job = BatchJob.Create(dbPath, plan, scenario, shard); }
        catch (IOException e) { Console.Error.WriteLine("error: " + e.Message); return Common.InvalidInput; }
        catch (Exception e) when (e is UnauthorizedAccessException or DuckDB.NET.Data.DuckDBException)
        {
            Console.Error.WriteLine($"error: cannot create {dbPath}: {Writing.OneLine(e.Message)}");
            return Common.Failed;
        }
        using (job) return await Execute(job, dbPath, threads, ct);
    }

    static async Task<int> Execute(BatchJob job, string dbPath, int threads, CancellationToken ct)
    {
        var plan = job.Plan;
        int done = job.Store.CompletedRuns().Count;
        string what = plan.Design switch
        {
            DesignKind.Sobol => $"sobol, N = {plan.BaseSamples} base samples x (d + 2) = {plan.Runs} runs",
            DesignKind.Sweep => $"sweep, {plan.BaseSamples} grid points x {plan.Replications} replications = {plan.Runs} runs",
            _ => $"{DesignKinds.Name(plan.Design)}, {plan.Runs} runs",
        };
        int planned = job.Shard?.RunsIn(plan) ?? plan.Runs;
        Console.WriteLine($"{plan.ScenarioName}: {what}, {plan.Parameters.Count} parameters, master seed {plan.MasterSeed}, {threads} thread{(threads == 1 ? "" : "s")} -> {dbPath}");
        if (job.Shard is { } sh)
            Console.WriteLine($"shard {sh}: {planned} of the {plan.Runs} runs (design points p with p mod {sh.Count} = {sh.Index})");
        if (plan.Parameters.Count == 0)
            Console.WriteLine("note: the scenario declares no uncertain: parameters, so the runs differ only by their seeds (the engine's own randomness)");
        if (done > 0) Console.WriteLine($"resuming: {done} runs already stored, {planned - done} to run");

        // Ctrl+C or SIGTERM: stop handing out runs, let the runs in progress finish and commit them; a second Ctrl+C stops at once
        // (the store stays consistent either way: it only ever holds whole, committed runs)
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        int presses = 0;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (Interlocked.Increment(ref presses) > 1) return;
            e.Cancel = true;
            Console.Error.WriteLine("interrupted: finishing the runs in progress and committing them (Ctrl+C again to stop at once)");
            interrupt.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            interrupt.Cancel();
        });
        var progress = new BatchProgress();
        BatchOutcome outcome;
        try
        {
            var run = Task.Factory.StartNew(() => job.Run(threads, progress, interrupt.Token, BatchStore.CommandLineText()), TaskCreationOptions.LongRunning);
            await ShowProgress(progress, run, planned, done);
            outcome = await run;
        }
        catch (Exception e) when (e is IOException or AggregateException or DuckDB.NET.Data.DuckDBException or InvalidDataException)
        {
            Console.Error.WriteLine("error: " + e.Message + (e.InnerException is { } inner && inner.Message != e.Message ? $" ({inner.Message})" : ""));
            if (e.Message.Contains("Corrupt database", StringComparison.Ordinal))
                Console.Error.WriteLine($"the store {dbPath} is damaged: start the batch again with another --out (the same --seed gives the same runs)");
            else Console.Error.WriteLine($"the store keeps every run committed so far; continue with: rareearth batch --resume {dbPath}");
            return Common.Failed;
        }
        finally { Console.CancelKeyPress -= onCancel; }
        long bytes = BatchStore.FileSize(dbPath);
        int stored = outcome.DoneBefore + outcome.RanNow;
        double secs = outcome.Elapsed.TotalSeconds;
        Console.WriteLine($"{outcome.RanNow} runs in {secs.ToString("F1", CultureInfo.InvariantCulture)} s " +
                          $"({(secs > 0 ? outcome.RanNow / secs : 0).ToString("F1", CultureInfo.InvariantCulture)} runs/s), {outcome.FailedNow} failed; " +
                          $"store {bytes / 1e6:F1} MB ({(stored > 0 ? bytes / stored : 0):N0} bytes per run; writer busy {progress.WriterBusy.TotalSeconds:F1} s)");
        if (outcome.FailedNow > 0)
            Console.WriteLine($"failed runs are stored with their error: SELECT run_index, error FROM runs WHERE status = 'failed'");
        if (!outcome.Complete)
        {
            Console.WriteLine($"interrupted with {stored} of {planned} runs stored; continue with: rareearth batch --resume {dbPath}");
            return Common.Failed;
        }
        if (outcome.FailedNow > 0 && job.Store.Scalar<long>("SELECT count(*) FROM runs WHERE status = 'ok'") == 0)
        {
            var first = job.Store.Rows("SELECT error FROM runs WHERE status = 'failed' ORDER BY run_index LIMIT 1").FirstOrDefault()?[0];
            Console.Error.WriteLine($"error: all {stored} runs failed, nothing to report; the first error: {first?.ToString()?.ReplaceLineEndings(" ")}");
            return Common.Failed;
        }
        if (job.Shard is { } done1)
            Console.WriteLine($"shard {done1} complete: {planned} runs. When every shard is done: rareearth merge --out DB {dbPath} <the other shards' stores>");
        else Console.WriteLine($"complete: {plan.Runs} runs. Next: rareearth report {dbPath}   or   rareearth export {dbPath} --out DIR");
        return Common.Ok;
    }

    /// <summary>A live bar on a terminal; plain lines every 2 s or 5% when output is redirected.</summary>
    internal static async Task ShowProgress(BatchProgress p, Task run, int total, int before, string label = "batch")
    {
        string Line()
        {
            long sim = p.Simulated, done = before + sim;
            double secs = Math.Max(p.Clock.Elapsed.TotalSeconds, 1e-9), rate = sim / secs;
            string left = rate > 0 && done < total ? TimeSpan.FromSeconds((total - done) / rate).ToString(@"hh\:mm\:ss") : "--:--:--";
            return $"{done}/{total} runs ({before + p.Written} stored), {rate.ToString("F1", CultureInfo.InvariantCulture)} runs/s, {p.Failed} failed, {left} left";
        }
        if (!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
        {
            await AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new ProgressBarColumn(), new PercentageColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask(Line(), maxValue: total);
                    while (!run.IsCompleted)
                    {
                        task.Value = before + p.Simulated;
                        task.Description = Markup.Escape(Line());
                        await Task.WhenAny(run, Task.Delay(250));
                    }
                    task.Value = before + p.Simulated;
                    task.Description = Markup.Escape(Line());
                });
            return;
        }
        // redirected: a plain line every 2 s, or when another 5% of the runs is done (at most every 0.5 s)
        var last = TimeSpan.Zero;
        long lastStep = before * 20L / Math.Max(1, total);
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(200));
            if (run.IsCompleted) break;
            long step = (before + p.Simulated) * 20L / Math.Max(1, total);
            var since = p.Clock.Elapsed - last;
            if (since >= TimeSpan.FromSeconds(2) || (step > lastStep && since >= TimeSpan.FromSeconds(0.5)))
            {
                Console.WriteLine(label + ": " + Line());
                last = p.Clock.Elapsed; lastStep = step;
            }
        }
    }
}
