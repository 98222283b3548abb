using System.Globalization;
using RareEarth.Engine;
using RareEarth.Scenarios;
using RareEarth.Scenarios.Yaml;

namespace RareEarth.Benchmarks;

/// <summary>Shipped scenarios and scaled copies of them (more firms, more countries, more months).</summary>
public static class Worlds
{
    public static string Root { get; } = FindRoot();

    public static Model Controls2025(params string[] overrides) =>
        ScenarioCompiler.LoadAndCompile(Path.Combine(Root, "scenarios", "controls-2025.yaml"), overrides).Model;

    /// <summary>
    /// controls-2025 with every firm split into <paramref name="firmFactor"/> identical firms (capacity
    /// shared), every importing country cloned <paramref name="countryFactor"/> times (with its firms
    /// and sectors, demand shared) and the horizon stretched to <paramref name="months"/> months.
    /// </summary>
    public static Model Scaled(int firmFactor, int countryFactor, int months)
    {
        var errors = new List<ScenarioError>();
        var doc = ScenarioLoader.Load(Path.Combine(Root, "scenarios", "controls-2025.yaml"), Array.Empty<string>(), errors)!;
        var root = doc.Root;
        int endIndex = 2024 * 12 + months - 1;
        root.Set("end", YNode.Scalar($"{endIndex / 12:D4}-{endIndex % 12 + 1:D2}", "bench", 1, 1));
        root.Remove("uncertain");
        var countries = root.Get("countries")!;
        var firms = root.Get("firms")!;
        var sectors = root.Get("sectors")!;
        var offtakes = root.Get("offtakes");
        foreach (var (cid, _) in countries.Entries.ToList())
        {
            if (cid == "CN" || countryFactor <= 1) continue;
            for (int k = 1; k < countryFactor; k++)
            {
                string clone = CloneCode(cid, k);
                countries.Set(clone, countries.Get(cid)!.DeepClone());
                foreach (var (fid, f) in firms.Entries.ToList())
                    if (f.Get("country")?.Value == cid) { var c = f.DeepClone(); c.Set("country", Scalar(clone)); firms.Set($"{fid}_c{k}", c); }
                foreach (var (sid, s) in sectors.Entries.ToList())
                    if (s.Get("country")?.Value == cid) { var c = s.DeepClone(); c.Set("country", Scalar(clone)); sectors.Set($"{sid}_c{k}", c); }
            }
        }
        if (countryFactor > 1)
        {
            foreach (var (_, f) in firms.Entries) if (f.Get("country")?.Value != "CN") Scale(f, "capacity", 1.0 / countryFactor);
            foreach (var (_, s) in sectors.Entries) if (s.Get("country")?.Value != "CN") Scale(s, "demand", 1.0 / countryFactor);
        }
        if (firmFactor > 1)
            foreach (var (fid, f) in firms.Entries.ToList())
            {
                if (offtakes is not null && offtakes.Entries.Any(o => o.Value.Get("seller")?.Value == fid)) continue;
                Scale(f, "capacity", 1.0 / firmFactor);
                for (int k = 1; k < firmFactor; k++) firms.Set($"{fid}_f{k}", f.DeepClone());
            }
        var compiled = ScenarioCompiler.TryCompile(doc, errors);
        if (compiled is null) throw new ScenarioException(errors);
        return compiled.Model;
    }

    static string CloneCode(string cid, int k) => $"{(char)('A' + (cid[0] - 'A' + k * 7) % 26)}{(char)('A' + (cid[1] - 'A' + k * 11) % 26)}";

    static YNode Scalar(string v) => YNode.Scalar(v, "bench", 1, 1);

    static void Scale(YNode n, string key, double factor)
    {
        var v = n.Get(key);
        if (v?.Value is null) return;
        double x = double.Parse(v.Value, CultureInfo.InvariantCulture) * factor;
        n.Set(key, Scalar(x.ToString("R", CultureInfo.InvariantCulture)));
    }

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Simulation.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}

/// <summary>A recorder that keeps nothing: measures the engine alone.</summary>
public sealed class NullRecorder : IRecorder
{
    public void Begin(Model model) { }
    public void Record(WorldState state, int month) { }
    public void End(WorldState state) { }
}
