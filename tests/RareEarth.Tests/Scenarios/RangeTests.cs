using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RareEarth.Runner;
using RareEarth.Runner.Output;
using RareEarth.Runner.Recording;
using RareEarth.Scenarios;
using RareEarth.Scenarios.Yaml;

namespace RareEarth.Tests.Scenarios;

/// <summary>
/// Number ranges (<see cref="NumberRanges"/>): validation rejects what the engine cannot run, and every bound
/// that validation accepts runs to the end with finite outputs.
/// </summary>
public class RangeTests
{
    static string Controls => TestPaths.Scenario("controls-2025.yaml");
    static string EveryField => TestPaths.Fixture("every-field.yaml");

    static IReadOnlyList<ScenarioError> Rejected(string file, params string[] sets) =>
        Assert.Throws<ScenarioException>(() => ScenarioCompiler.LoadAndCompile(file, sets)).Errors;

    // ------------------------------------------------------------------ the reported defects

    [Theory]
    [InlineData("materials.dy_oxide.min_price=30000", "materials.dy_oxide.min_price", "found 30000, expected at most ref_price (260)")]
    [InlineData("sectors.JP_ev.demand=1e305", "sectors.JP_ev.demand", "found 1e305, expected a number between 0 and 1e8 (t/yr)")]
    [InlineData("events.6.capacity=1e300", "events.6.capacity", "found 1e300, expected a number between 0 and 1e8")]
    public void ValuesTheEngineCannotRunAreRejected(string set, string path, string message)
    {
        var errors = Rejected(Controls, set);
        var e = Assert.Single(errors);
        Assert.Equal(path, e.Path);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void AnEventValueOutOfRangeIsReportedAtItsLineInTheFile()
    {
        var file = TestPaths.Variant("small-world.yaml", "events:\n  - {month: 2021-01, type: capacity_project, firm: us_sep, capacity: 1e300}\n");
        var e = Assert.Single(Rejected(file));
        Assert.Equal(("events.0.capacity", 3), (e.Path, e.Line));
        Assert.EndsWith("variant.yaml", e.File);
    }

    // ------------------------------------------------------------------ every bound runs

    public static IEnumerable<object[]> Worlds() => new[]
    {
        new object[] { "every-field", "" },
        new object[] { "controls-2025", "end=2026-12" },
        new object[] { "japan-2010", "events=[]|end=2010-12" },   // its events end in 2015: the fixture and controls cover event keys
    };

    static string FileOf(string world) => world == "every-field" ? EveryField : TestPaths.Scenario(world + ".yaml");

    [Theory]
    [MemberData(nameof(Worlds))]
    public void EveryBoundValidationAcceptsRunsWithFiniteOutputs(string world, string shorter)
    {
        var file = FileOf(world);
        var baseSets = shorter.Split('|', StringSplitOptions.RemoveEmptyEntries);
        var document = ScenarioCompiler.LoadAndCompile(file, baseSets).Document;
        var root = document.Root;
        var instances = Instances(root);
        if (world == "every-field")
            Assert.All(NumberRanges.All, r => Assert.True(instances.ContainsKey(r), $"every-field.yaml has no {r.Key}"));
        int runs = 0;
        foreach (var (r, path) in instances)
            foreach (bool atMax in new[] { false, true })
            {
                var sets = new List<string>();
                double value = atMax ? r.Max : r.Min;
                string parent = path[..path.LastIndexOf('.')];
                if (atMax && r.AtMost is not null) value = Math.Min(value, Number(root, $"{parent}.{r.AtMost}"));
                // a key that bounds a sibling (ref_price bounds min_price) goes to its minimum with that sibling
                if (!atMax)
                    foreach (var q in NumberRanges.All.Where(q => q.AtMost == r.Name && q.Matches($"{parent}.{q.Name}")))
                        if (ScenarioCompiler.Resolve(root, $"{parent}.{q.Name}") is not null) sets.Add($"{parent}.{q.Name}={Text(q.Min)}");
                sets.Add($"{path}={Text(value)}");
                CompiledScenario compiled;
                var errors = new List<ScenarioError>();
                var changed = document.With(sets.Select(x => new KeyValuePair<string, string>(x[..x.IndexOf('=')], x[(x.IndexOf('=') + 1)..])), errors);
                try
                {
                    if (errors.Count > 0) throw new ScenarioException(errors);
                    compiled = ScenarioCompiler.Compile(changed);
                }
                catch (ScenarioException e) { throw new Xunit.Sdk.XunitException($"{world}: {string.Join(" ", sets)} rejected:\n{e.Message}"); }
                AssertFinite($"{world} {string.Join(" ", sets)}", SingleRun.Execute(compiled, 5), compiled);
                runs++;
            }
        Assert.True(runs >= (world == "every-field" ? 2 * NumberRanges.All.Count : 60), $"{world}: only {runs} boundary runs");
    }

    [Fact]
    public void JustOutsideEveryRangeIsRejected()
    {
        var root = ScenarioCompiler.LoadAndCompile(EveryField).Document.Root;
        foreach (var (r, path) in Instances(root))
        {
            double below = r.Whole ? r.Min - 1 : Math.BitDecrement(r.Min), above = r.Whole ? r.Max + 1 : Math.BitIncrement(r.Max);
            foreach (var v in new[] { below, above })
            {
                var errors = Rejected(EveryField, $"{path}={Text(v)}");
                Assert.Contains(errors, e => e.Path == path && e.Message.Contains(r.Text) && e.File.StartsWith("--set", StringComparison.Ordinal));
            }
            if (r.AtMost is null) continue;
            string sibling = path[..path.LastIndexOf('.')] + "." + r.AtMost;
            double limit = Number(root, sibling);
            var over = Rejected(EveryField, $"{path}={Text(Math.BitIncrement(limit))}");
            Assert.Contains(over, e => e.Path == path && e.Message.Contains($"expected at most {r.AtMost}"));
        }
        foreach (var bad in new[] { "NaN", ".inf", "-.inf", "1e309" })
            Assert.Contains(Rejected(EveryField, $"sectors.JP_use.demand={bad}"), e => e.Path == "sectors.JP_use.demand");
    }

    // ------------------------------------------------------------------ uncertain parameters

    [Theory]
    [InlineData("firms.cn_mine.utilisation: {dist: normal, mean: 0.8, sd: 0.1}", "a batch draws from 0.096551 to 1.503449")]
    [InlineData("firms.cn_mine.utilisation: {dist: uniform, min: 0.5, max: 1.2}", "expected draws within the parameter's range, a number between 0 and 1 (share)")]
    [InlineData("sectors.JP_use.demand: {dist: lognormal, mu: 9, sigma: 2}", "expected draws within the parameter's range")]
    [InlineData("firms.us_sep.invest.lead_months: {dist: uniform, min: 12, max: 24}", "is a whole number and cannot be sampled")]
    public void UncertainDrawsOutsideTheRangeAreRejected(string declaration, string message)
    {
        var file = TestPaths.Variant("small-world.yaml", $"uncertain:\n  {declaration}\n");
        var e = Assert.Single(Rejected(file));
        Assert.StartsWith("uncertain.", e.Path);
        Assert.Contains(message, e.Message);
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void UncertainDrawsInsideTheRangeAreAccepted()
    {
        var file = TestPaths.Variant("small-world.yaml",
            "uncertain:\n  firms.cn_mine.utilisation: {dist: uniform, min: 0.5, max: 1}\n  sectors.JP_use.elasticity: {dist: normal, mean: 1, sd: 0.1}\n");
        Assert.Equal(2, ScenarioCompiler.LoadAndCompile(file).Uncertain.Count);
    }

    [Fact]
    public void TheSupportUsesTheQuantilesABatchSamples()
    {
        var p = new UncertainParameter("x", "normal", 1, 2, 0, 1);
        var d = RareEarth.Runner.Sampling.UncertainSampler.DistributionOf(p);
        Assert.Equal(d.Quantile(UncertainParameter.TailProbability), p.Support.Low, 4);
        Assert.Equal(d.Quantile(1 - UncertainParameter.TailProbability), p.Support.High, 4);
        var u = RareEarth.Runner.Sampling.UncertainSampler.FromUnit(new[] { p }, new[] { 0.0 });
        Assert.InRange(double.Parse(u[0].Value, CultureInfo.InvariantCulture), p.Support.Low, p.Support.Low + 1e-4);
    }

    // ------------------------------------------------------------------ the table in the docs

    [Fact]
    public void TheDocsShowTheTableValidationUses()
    {
        var doc = File.ReadAllText(Path.Combine(TestPaths.Root, "docs", "scenarios.md")).Replace("\r\n", "\n");
        int at = doc.IndexOf("## Number ranges", StringComparison.Ordinal);
        Assert.True(at >= 0, "docs/scenarios.md has no 'Number ranges' section");
        var table = NumberRanges.MarkdownTable();
        Assert.True(doc.IndexOf(table, at, StringComparison.Ordinal) >= 0,
            "the table under 'Number ranges' in docs/scenarios.md differs from NumberRanges; replace it with:\n" + table);
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>
    /// The first path in the document (outside uncertain:) that is an instance of each range; for a process output,
    /// one next to another positive output (a process must produce something, so a sole output cannot be 0).
    /// </summary>
    static Dictionary<NumberRange, string> Instances(YNode root)
    {
        var found = new Dictionary<NumberRange, string>();
        foreach (var path in NumericPaths(root, ""))
            if (NumberRanges.For(path) is { } r && !found.ContainsKey(r) && (r != NumberRanges.ProcessOutput || HasPositiveSibling(root, path)))
                found[r] = path;
        return found;
    }

    static bool HasPositiveSibling(YNode root, string path)
    {
        string parent = path[..path.LastIndexOf('.')], name = path[(path.LastIndexOf('.') + 1)..];
        return ScenarioCompiler.Resolve(root, parent)!.Entries.Any(e => e.Key != name &&
            double.TryParse(e.Value.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0);
    }

    static IEnumerable<string> NumericPaths(YNode node, string prefix)
    {
        if (node.Kind == YKind.Scalar)
        {
            if (!node.Quoted && double.TryParse(node.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) yield return prefix;
            yield break;
        }
        var children = node.Kind == YKind.Map
            ? node.Entries.Where(e => !(prefix == "" && e.Key == "uncertain")).Select(e => (e.Key, e.Value))
            : node.Items.Select((v, i) => (i.ToString(CultureInfo.InvariantCulture), v));
        foreach (var (k, v) in children)
            foreach (var p in NumericPaths(v, prefix == "" ? k : $"{prefix}.{k}")) yield return p;
    }

    static double Number(YNode root, string path) =>
        double.Parse(ScenarioCompiler.Resolve(root, path)!.Value!, NumberStyles.Float, CultureInfo.InvariantCulture);

    static string Text(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Every recorded series and the run summary hold finite numbers only (China shares: NaN before any purchase).</summary>
    internal static void AssertFinite(string what, SeriesRecorder rec, CompiledScenario compiled)
    {
        foreach (var f in typeof(SeriesRecorder).GetFields().Where(f => f.FieldType == typeof(double[])))
        {
            var a = (double[])f.GetValue(rec)!;
            bool nanAllowed = f.Name.StartsWith("ChinaShare", StringComparison.Ordinal);
            for (int i = 0; i < a.Length; i++)
                if (double.IsInfinity(a[i]) || (double.IsNaN(a[i]) && !nanAllowed))
                    throw new Xunit.Sdk.XunitException($"{what}: {f.Name}[{i}] = {a[i]}");
        }
        var json = JsonSerializer.Serialize(SummaryBuilder.Build(rec, compiled.Name, 5, "test"), RunOutput.Json);
        foreach (var (path, value) in Leaves(JsonNode.Parse(json), ""))
            if (value is "Infinity" or "-Infinity" || (value is "NaN" && !path.StartsWith(".decoupling", StringComparison.Ordinal)))
                throw new Xunit.Sdk.XunitException($"{what}: summary.json{path} = {value}");
    }

    /// <summary>Leaf values of a JSON tree with their paths (a China share is NaN, unknown, before any purchase).</summary>
    static IEnumerable<(string Path, string Value)> Leaves(JsonNode? n, string path) => n switch
    {
        JsonObject o => o.SelectMany(kv => Leaves(kv.Value, $"{path}.{kv.Key}")),
        JsonArray a => a.SelectMany((v, i) => Leaves(v, $"{path}[{i}]")),
        null => Array.Empty<(string, string)>(),
        _ => new[] { (path, n.ToJsonString().Trim('"')) },
    };
}
