using System.CommandLine;
using RareEarth.Reporting;
using RareEarth.Runner;

namespace RareEarth.Cli;

/// <summary><c>history SCENARIO --data FILE --out DIR</c>: a run next to observed history, as charts and a table.</summary>
internal static class HistoryCommand
{
    public static Command Create()
    {
        var scenario = Common.ScenarioArgument();
        var data = new Option<string>("--data") { Description = "History CSV: month,metric,material,country,partner,value,unit,use,source", Required = true };
        var outDir = new Option<string>("--out") { Description = "Output directory", Required = true };
        var seed = Common.SeedOption();
        var set = Common.SetOption();
        var cmd = new Command("history", "Compare a run with observed history: one chart per series and a markdown table (history.md).") { scenario, data, outDir, seed, set };
        cmd.SetAction(parse =>
        {
            var compiled = Common.Load(parse.GetValue(scenario)!, parse.GetValue(set) ?? Array.Empty<string>());
            if (compiled is null) return Common.InvalidInput;
            List<HistoryPoint> points;
            try { points = HistoryComparison.Read(parse.GetValue(data)!); }
            catch (Exception e) when (e is FormatException or IOException) { Console.Error.WriteLine("error: " + e.Message); return Common.InvalidInput; }
            var rec = SingleRun.Execute(compiled, parse.GetValue(seed));
            var dir = parse.GetValue(outDir)!;
            var table = HistoryComparison.Write(rec, points, dir, compiled.Name);
            File.WriteAllText(Path.Combine(dir, "history.md"), $"# {compiled.Name}: model against history\n\n{table}");
            Console.WriteLine(table);
            Console.WriteLine($"wrote {dir}/history.md and {points.Select(p => (p.Metric, p.Material, p.Country, p.Partner)).Distinct().Count()} charts");
            return Common.Ok;
        });
        return cmd;
    }
}
