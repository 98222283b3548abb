using System.Text;
using System.Text.Json;
using RareEarth.Runner.Recording;
using RareEarth.Scenarios;

namespace RareEarth.Runner.Output;

/// <summary>
/// Writes everything a run produces into a directory, atomically: files go to a hidden staging
/// directory first, which replaces the target only when everything was written. A failure leaves
/// the target untouched.
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
    public static void Write(string outDir, CompiledScenario scenario, int seed, SeriesRecorder rec, RunSummary summary, Action<string>? extra = null)
    {
        var full = Path.GetFullPath(outDir);
        var parent = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(full)}.partial-{Environment.ProcessId}");
        if (Directory.Exists(staging)) Directory.Delete(staging, true);
        Directory.CreateDirectory(staging);
        try
        {
            using (var w = new StreamWriter(Path.Combine(staging, "timeseries.csv"), false, new UTF8Encoding(false), 1 << 16))
                TimeseriesCsv.Write(rec, w);
            File.WriteAllText(Path.Combine(staging, "summary.json"), JsonSerializer.Serialize(summary, Json));
            File.WriteAllText(Path.Combine(staging, "scenario.resolved.yaml"),
                $"# Resolved scenario: {string.Join(" <- ", scenario.Document.Files)}\n" +
                (scenario.Document.Overrides.Count > 0 ? $"# Overrides: {string.Join(" ", scenario.Document.Overrides)}\n" : "") +
                scenario.Document.ToYaml());
            var manifest = new
            {
                Scenario = scenario.Name,
                ScenarioFiles = scenario.Document.Files,
                Overrides = scenario.Document.Overrides,
                ScenarioHash = scenario.Document.Hash(),
                Seed = seed,
                EngineVersion = EngineInfo.Version,
                Reproduce = $"run {scenario.Document.Files[0]} --seed {seed}" + string.Concat(scenario.Document.Overrides.Select(o => $" --set {o}")),
            };
            File.WriteAllText(Path.Combine(staging, "run.json"), JsonSerializer.Serialize(manifest, Json));
            extra?.Invoke(staging);
            if (Directory.Exists(full)) Directory.Delete(full, true);
            Directory.Move(staging, full);
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, true);
            throw;
        }
    }
}
