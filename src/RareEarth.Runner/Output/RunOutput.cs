using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RareEarth.Runner.Recording;
using RareEarth.Scenarios;

namespace RareEarth.Runner.Output;

/// <summary>
/// Writes everything a run produces into a directory through <see cref="OutputFolder"/>: files go to a hidden staging
/// directory first, which becomes the target only when everything was written; a failure leaves the target as it was,
/// and nothing the tool did not write is ever deleted. run.json is the folder's manifest.
/// </summary>
public static class RunOutput
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes the run; <paramref name="extra"/> may add files (charts) into the staging directory.</summary>
    public static void Write(string outDir, CompiledScenario scenario, int seed, SeriesRecorder rec, RunSummary summary, Action<string>? extra = null, bool force = false)
    {
        var manifest = new JsonObject
        {
            ["scenario"] = scenario.Name,
            ["scenario_files"] = new JsonArray(scenario.Document.Files.Select(f => (JsonNode)f!).ToArray()),
            ["overrides"] = new JsonArray(scenario.Document.Overrides.Select(o => (JsonNode)o!).ToArray()),
            ["scenario_hash"] = scenario.Document.Hash(),
            ["seed"] = seed,
            ["engine_version"] = EngineInfo.Version,
            ["reproduce"] = $"run {scenario.Document.Files[0]} --seed {seed}" + string.Concat(scenario.Document.Overrides.Select(o => $" --set {o}")),
        };
        OutputFolder.Write(outDir, "run.json", manifest, staging =>
        {
            using (var w = new StreamWriter(Path.Combine(staging, "timeseries.csv"), false, new UTF8Encoding(false), 1 << 16))
                TimeseriesCsv.Write(rec, w);
            File.WriteAllText(Path.Combine(staging, "summary.json"), JsonSerializer.Serialize(summary, Json));
            File.WriteAllText(Path.Combine(staging, "scenario.resolved.yaml"),
                $"# Resolved scenario: {string.Join(" <- ", scenario.Document.Files)}\n" +
                (scenario.Document.Overrides.Count > 0 ? $"# Overrides: {string.Join(" ", scenario.Document.Overrides)}\n" : "") +
                scenario.Document.ToYaml());
            extra?.Invoke(staging);
        }, force);
    }
}
