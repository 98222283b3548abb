using System.CommandLine;
using RareEarth.Reporting;
using System.Text.Json.Nodes;
using RareEarth.Runner;
using RareEarth.Runner.Output;

namespace RareEarth.Cli;

/// <summary><c>history SCENARIO --data FILE --out DIR</c>: a run next to observed history, as charts and a table.</summary>
internal static class HistoryCommand
{
    public static Command Create()
    {
        var scenario = Common.ScenarioArgument();
        var data = new Option<string>("--data") { Description = "History CSV: month,metric,material,country,partner,value,unit,use,source", Required = true };
        var outDir = new Option<string>("--out") { Description = "Output directory: created if new; a previous result of rareearth there is replaced; a folder with other files is refused (see --force)", Required = true };
        var force = Writing.ForceOption();
        var seed = Common.SeedOption();
        var set = Common.SetOption();
        var cmd = new Command("history", "Compare a run with observed history: one chart per series and a markdown table (history.md).") { scenario, data, outDir, seed, set, force };
        cmd.SetAction(parse =>
        {
            var compiled = Common.Load(parse.GetValue(scenario)!, parse.GetValue(set) ?? Array.Empty<string>());
            if (compiled is null) return Common.InvalidInput;
            var dir = parse.GetValue(outDir)!;
            var dataPath = parse.GetValue(data)!;
            if (DataProblem(dataPath) is { } problem) { Console.Error.WriteLine("error: --data " + problem); return Common.InvalidInput; }
            List<HistoryPoint> points;
            try { points = HistoryComparison.Read(dataPath); }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException) { Console.Error.WriteLine("error: " + Writing.OneLine(e.Message)); return Common.InvalidInput; }
            if (Writing.Guard(dir, () => { OutputFolder.Check(dir, parse.GetValue(force)); return Common.Ok; }) is not Common.Ok and var refused) return refused;
            int s = parse.GetValue(seed);
            var rec = SingleRun.Execute(compiled, s);
            string table = "";
            var manifest = new JsonObject
            {
                ["scenario"] = compiled.Name, ["scenario_hash"] = compiled.Document.Hash(), ["seed"] = s,
                ["data"] = dataPath, ["engine_version"] = EngineInfo.Version,
            };
            int written = Writing.Guard(dir, () =>
            {
                OutputFolder.Write(dir, "history.json", manifest, staging =>
                {
                    table = HistoryComparison.Write(rec, points, staging, compiled.Name);
                    File.WriteAllText(Path.Combine(staging, "history.md"), $"# {compiled.Name}: model against history\n\n{table}");
                }, parse.GetValue(force));
                return Common.Ok;
            });
            if (written != Common.Ok) return written;
            Console.WriteLine(table);
            Console.WriteLine($"wrote {dir}/history.md and {points.Select(p => (p.Metric, p.Material, p.Country, p.Partner)).Distinct().Count()} charts");
            return Common.Ok;
        });
        return cmd;
    }

    /// <summary>Largest history file read (the shipped ones are a few KB).</summary>
    const long MaxDataBytes = 64 << 20;

    /// <summary>Why a --data path cannot be read as a history file (a folder, a device, empty, too large), or null.</summary>
    static string? DataProblem(string path)
    {
        if (Directory.Exists(path)) return $"{path}: is a folder, not a history CSV file";
        if (!File.Exists(path)) return $"{path}: no such file";
        long length = new FileInfo(path).Length;
        if (length == 0) return $"{path}: is empty or not a regular file";
        if (length > MaxDataBytes) return $"{path}: is {length / 1e6:F0} MB; a history file may be at most {MaxDataBytes >> 20} MB";
        return null;
    }
}
