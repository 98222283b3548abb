using RareEarth.Runner.Output;
using RareEarth.Scenarios;

namespace RareEarth.Web;

/// <summary>What the page asks: a scenario by id, lever values for B (the current view) and, when pinned, for A.</summary>
public sealed record WhatIfRequest(string? Scenario, Dictionary<string, string>? Levers, Dictionary<string, string>? Pinned = null,
    int? Seed = null, string? Material = null, int? Runs = null);

/// <summary>A problem with a request, in the compiler's words; <c>Lever</c> names the control it belongs to (null: the request as a whole).</summary>
public sealed record Problem(string? Lever, string? Path, string Message, string Line);

/// <summary>Thrown when a request cannot be served; carries what the page shows (HTTP 400, or <see cref="Status"/>).</summary>
public sealed class RefusedException(IReadOnlyList<Problem> problems, int status = 400) : Exception(string.Join("; ", problems.Select(p => p.Line)))
{
    public IReadOnlyList<Problem> Problems { get; } = problems;
    public int Status { get; } = status;
    public static RefusedException One(string message, int status = 400) => new(new[] { new Problem(null, null, message, message) }, status);
}

/// <summary>One side of a what-if (A or B), compiled: the scenario with the overrides its lever values make.</summary>
public sealed record Side(ScenarioEntry Entry, CompiledScenario Compiled, IReadOnlyList<string> Sets)
{
    /// <summary>The command line that reproduces this side's run.</summary>
    public string Command(int seed) =>
        $"rareearth run {Entry.DisplayPath} --seed {seed}" + string.Concat(Sets.Select(s => $" --set {s}"));
}

/// <summary>A request resolved: the scenario, B and optionally A compiled, the seed and the material the charts show.</summary>
public sealed record WhatIfPlan(ScenarioEntry Entry, LeverCatalog Levers, Side B, Side? A, int Seed, string Material);

/// <summary>
/// Turns a page's request into compiled scenarios through the CLI's own path (<see cref="ScenarioCompiler.LoadAndCompile"/>
/// with --set overrides), refusing what the limits or the compiler refuse, in the compiler's words.
/// </summary>
public sealed class WhatIfPlanner(ScenarioCatalog catalog, WorkbenchLimits limits)
{
    readonly Dictionary<string, (CompiledScenario Nominal, LeverCatalog Levers)> _cache = new();
    readonly Lock _gate = new();

    public ScenarioCatalog Catalog => catalog;
    public WorkbenchLimits Limits => limits;

    /// <summary>The scenario as shipped and its levers (compiled once).</summary>
    public (CompiledScenario Nominal, LeverCatalog Levers) Scenario(ScenarioEntry e)
    {
        lock (_gate)
        {
            if (_cache.TryGetValue(e.Id, out var hit)) return hit;
            var nominal = ScenarioCompiler.LoadAndCompile(e.FullPath);
            return _cache[e.Id] = (nominal, new LeverCatalog(nominal));
        }
    }

    public ScenarioEntry Entry(string? id) =>
        catalog.Find(id) ?? throw RefusedException.One($"unknown scenario '{Trim(id)}'; expected one of {string.Join(", ", catalog.Entries.Select(x => x.Id))}", 404);

    public WhatIfPlan Plan(WhatIfRequest req)
    {
        var entry = Entry(req.Scenario);
        var (nominal, levers) = Scenario(entry);
        int seed = req.Seed ?? 1;
        if (seed < 0 || seed > limits.MaxSeed) throw RefusedException.One($"seed: found {seed}, expected a whole number between 0 and {limits.MaxSeed}");
        var problems = new List<Problem>();
        var b = Compile(entry, levers, req.Levers, problems, "");
        var a = req.Pinned is null ? null : Compile(entry, levers, req.Pinned, problems, "A: ");
        if (problems.Count > 0) throw new RefusedException(problems);
        var m = b!.Compiled.Model;
        if (m.Months > limits.MaxHorizonMonths)
            throw RefusedException.One($"the scenario runs {m.Months} months; the workbench runs at most {limits.MaxHorizonMonths}");
        string material = req.Material ?? SummaryBuilder.Focus(m).Materials.FirstOrDefault() ?? m.MaterialIds[0];
        if (Array.IndexOf(m.MaterialIds, material) < 0)
            throw RefusedException.One($"material: found '{Trim(material)}', expected one of {string.Join(", ", m.MaterialIds)}");
        return new WhatIfPlan(entry, levers, b, a, seed, material);
    }

    Side? Compile(ScenarioEntry entry, LeverCatalog levers, Dictionary<string, string>? values, List<Problem> problems, string prefix)
    {
        if (values is { Count: var n } && n > limits.MaxLevers)
        {
            problems.Add(new Problem(null, null, $"{prefix}{n} lever values; at most {limits.MaxLevers} per request", $"{prefix}{n} lever values; at most {limits.MaxLevers} per request"));
            return null;
        }
        foreach (var (id, v) in values ?? new())
            if ((v ?? "").Length > limits.MaxValueLength)
            {
                string msg = $"{prefix}found a value of {v!.Length} characters; expected at most {limits.MaxValueLength}";
                problems.Add(new Problem(id, null, msg, $"{Trim(id)}: {msg}"));
                return null;
            }
        var origin = new Dictionary<string, string>();
        var leverErrors = new Dictionary<string, string>();
        var sets = levers.Overrides(values, origin, leverErrors);
        foreach (var (id, msg) in leverErrors) problems.Add(new Problem(id, null, prefix + msg, $"{Trim(id)}: {prefix}{msg}"));
        if (leverErrors.Count > 0) return null;
        try
        {
            var compiled = ScenarioCompiler.LoadAndCompile(entry.FullPath, sets);
            return new Side(entry, compiled, sets);
        }
        catch (ScenarioException e)
        {
            foreach (var err in e.Errors)
            {
                string? lever = origin.TryGetValue(err.Path, out var l) ? l
                    : origin.FirstOrDefault(kv => err.Path.Length > 0 && (kv.Key.StartsWith(err.Path + ".", StringComparison.Ordinal) || err.Path.StartsWith(kv.Key + ".", StringComparison.Ordinal))).Value;
                problems.Add(new Problem(lever, err.Path, prefix + err.Message, prefix + err.ToString()));
            }
            return null;
        }
    }

    static string Trim(string? s) => s is null ? "" : s.Length > 40 ? s[..40] + "..." : s;

    /// <summary>The saved scenario: the resolved YAML of the view (what validate and run accept) with how it was made.</summary>
    public static string ScenarioYaml(Side side, int seed) =>
        $"# Saved from the rareearth workbench: {side.Entry.DisplayPath}" + (side.Sets.Count > 0 ? " with " + string.Join(" ", side.Sets.Select(s => "--set " + s)) : "") + "\n" +
        $"# Resolved (extends and overrides applied). The same run from the command line:\n#   {side.Command(seed)}\n" +
        side.Compiled.Document.ToYaml();
}
