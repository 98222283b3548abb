using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RareEarth.Reporting;
using RareEarth.Runner;
using RareEarth.Runner.Output;

namespace RareEarth.Cli;

/// <summary><c>run SCENARIO [--out DIR] [--seed N] [--set path=value ...]</c>: one run, its files and a readable summary.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var scenario = Common.ScenarioArgument();
        var outDir = new Option<string?>("--out")
        {
            Description = "Output directory (default: results/<scenario name>): created if new; a previous result of rareearth there is replaced; " +
                          "a folder with other files is refused (see --force)",
        };
        var force = Writing.ForceOption();
        var seed = Common.SeedOption();
        var set = Common.SetOption();
        var noCharts = new Option<bool>("--no-charts") { Description = "Skip the PNG/SVG charts" };
        var sample = new Option<bool>("--sample") { Description = "Draw the scenario's uncertain parameters from the seed (default: use the values in the file)" };
        var noCf = new Option<bool>("--no-counterfactual") { Description = "Skip the second run without the confrontation (costs are then not reported against it)" };
        var cmd = new Command("run", "Run a scenario once; write timeseries.csv, summary.json, charts and the resolved scenario.")
            { scenario, outDir, seed, set, noCharts, sample, noCf, force };
        cmd.SetAction(parse =>
        {
            var path = parse.GetValue(scenario)!;
            var overrides = (parse.GetValue(set) ?? Array.Empty<string>()).ToList();
            int s = parse.GetValue(seed);
            var compiled = Common.Load(path, overrides);
            if (compiled is null) return Common.InvalidInput;
            if (parse.GetValue(sample) && compiled.Uncertain.Count > 0)
            {
                // sampled values become ordinary overrides, so run.json's command reproduces the run without --sample
                var drawn = RareEarth.Runner.Sampling.UncertainSampler.Draw(compiled.Uncertain, s);
                overrides.AddRange(drawn.Select(kv => $"{kv.Key}={kv.Value}"));
                compiled = Common.Load(path, overrides);
                if (compiled is null) return Common.InvalidInput;
                Console.WriteLine("Sampled: " + string.Join(", ", drawn.Select(kv => $"{kv.Key}={kv.Value}")));
            }
            var dir = parse.GetValue(outDir) ?? Path.Combine("results", Path.GetFileNameWithoutExtension(path));
            bool overwrite = parse.GetValue(force);
            // the folder is checked before the run, and again when the files are put in place
            if (Writing.Guard(dir, () => { OutputFolder.Check(dir, overwrite); return Common.Ok; }) is not Common.Ok and var refused) return refused;
            var sw = Stopwatch.StartNew();
            var rec = SingleRun.Execute(compiled, s);
            double simMs = sw.Elapsed.TotalMilliseconds;
            var cf = parse.GetValue(noCf) ? null : SingleRun.Counterfactual(compiled.Model, s);
            var summary = SummaryBuilder.Build(rec, compiled.Name, s, compiled.Document.Hash()) with
            {
                Counterfactual = cf is null ? null : CounterfactualBuilder.Build(rec.Totals, cf.Totals),
                Resilience = cf is null ? null : ResilienceBuilder.Build(rec.Totals, cf.Totals),
            };
            IReadOnlyList<string> charts = Array.Empty<string>();
            int written = Writing.Guard(dir, () =>
            {
                RunOutput.Write(dir, compiled, s, rec, summary, staging =>
                {
                    if (!parse.GetValue(noCharts))
                    {
                        charts = RunCharts.Render(rec, Path.Combine(staging, "charts"));
                        if (ResilienceChart.Render(summary.Resilience, Path.Combine(staging, "charts")) is string png) charts = [.. charts, png];
                    }
                    HtmlRunReport.Write(staging, rec, summary, CountryNames.Of(compiled), charts.Count > 0 ? Path.Combine(staging, "charts") : null,
                        $"run {compiled.Document.Files[0]} --seed {s}" + string.Concat(compiled.Document.Overrides.Select(o => $" --set {o}")));
                }, overwrite);
                return Common.Ok;
            });
            if (written != Common.Ok) return written;
            SummaryPrinter.Print(Console.Out, summary, compiled);
            Console.WriteLine();
            Console.WriteLine($"Simulated {compiled.Model.Months} months in {simMs.ToString("F0", CultureInfo.InvariantCulture)} ms; wrote {Path.TrimEndingDirectorySeparator(dir)}/ " +
                              $"(timeseries.csv, summary.json, run.json, scenario.resolved.yaml, report.html, {charts.Count} charts in charts/) in {sw.Elapsed.TotalSeconds:F1} s.");
            return Common.Ok;
        });
        return cmd;
    }
}
