using RareEarth.Scenarios;

namespace RareEarth.Tests.Scenarios;

/// <summary>One bad-scenario fixture per validation rule (Fixtures/bad/): each is rejected with file, line, column and key.</summary>
public class ValidationTests
{
    static IReadOnlyList<ScenarioError> Errors(string fixture, params string[] overrides)
    {
        var ex = Assert.Throws<ScenarioException>(() => ScenarioCompiler.LoadAndCompile(TestPaths.Fixture($"bad/{fixture}.yaml"), overrides));
        Assert.NotEmpty(ex.Errors);
        return ex.Errors;
    }

    [Theory]
    [InlineData("typo-key", "firms.cn_mine.capcity", "did you mean 'capacity'", 3)]
    [InlineData("wrong-type", "firms.cn_mine.capacity", "expected a number", 4)]
    [InlineData("unknown-country", "firms.cn_mine.country", "unknown country 'XX'", 3)]
    [InlineData("unknown-material", "sectors.JP_use.material", "unknown material 'neodymium'", 3)]
    [InlineData("event-outside-horizon", "events.0.month", "outside the scenario horizon", 3)]
    [InlineData("bad-month", "events.0.month", "expected a month like 2010-09", 3)]
    [InlineData("missing-required", "firms.new_firm.unit_cost", "missing", 3)]
    [InlineData("out-of-range", "firms.cn_mine.utilisation", "between 0 and 1", 4)]
    [InlineData("duplicate-key", "", "Duplicate key JP", 4)]
    [InlineData("yaml-syntax", "", "YAML syntax", 3)]
    [InlineData("missing-extends", "extends", "not found", 1)]
    [InlineData("bad-country-code", "countries.Japan", "ISO 3166", 3)]
    [InlineData("unknown-regime", "events.0.regime", "expected one of open, quota, licence, ban", 3)]
    [InlineData("unknown-event-type", "events.0.type", "expected one of export_regime", 3)]
    [InlineData("uncertain-bad-path", "uncertain.firms.cn_mine.capacityy", "does not name a number", 3)]
    [InlineData("uncertain-bad-distribution", "uncertain.firms.cn_mine.capacity", "max must be greater than min", 3)]
    [InlineData("bad-regions", "price_regions", "exactly two regions", 3)]
    [InlineData("thrift-not-input", "processes.mine.thriftable", "is not an input", 3)]
    [InlineData("unknown-offtake", "events.0.offtake", "unknown offtake deal 'nope'", 3)]
    public void EachRuleIsReportedWithWhereAndWhat(string fixture, string path, string message, int line)
    {
        var errors = Errors(fixture);
        var e = errors.FirstOrDefault(x => x.Path == path && x.Message.Contains(message))
                ?? throw new Xunit.Sdk.XunitException($"no error '{path}: {message}' in:\n{string.Join("\n", errors)}");
        Assert.Equal(line, e.Line);
        Assert.True(e.Column >= 1);
        Assert.EndsWith(".yaml", e.File);
    }

    [Fact]
    public void AllProblemsAreReportedAtOnce()
    {
        var errors = Errors("many-problems");
        Assert.Contains(errors, e => e.Message.Contains("did you mean 'capacity'"));
        Assert.Contains(errors, e => e.Path == "firms.cn_mine.utilisation");
        Assert.Contains(errors, e => e.Message.Contains("unknown material 'neodymium'"));
        Assert.Contains(errors, e => e.Message.Contains("unknown country 'XX'"));
        Assert.Contains(errors, e => e.Message.Contains("outside the scenario horizon"));
        Assert.True(errors.Count >= 5);
        // errors point into the file that holds the mistake, not the file it extends
        Assert.All(errors, e => Assert.EndsWith("many-problems.yaml", e.File));
    }

    [Fact]
    public void BadOverrideIsReported()
    {
        var ex = Assert.Throws<ScenarioException>(() =>
            ScenarioCompiler.LoadAndCompile(TestPaths.Fixture("small-world.yaml"), new[] { "firms.cn_mien.capacity=5", "firms.cn_mine.capacity=abc" }));
        Assert.Contains(ex.Errors, e => e.File == "--set" && e.Message.Contains("did you mean 'cn_mine'"));
        Assert.Contains(ex.Errors, e => e.Path == "firms.cn_mine.capacity" && e.Message.Contains("expected a number"));
    }

    [Fact]
    public void OverridesChangeTheModel()
    {
        var a = ScenarioCompiler.LoadAndCompile(TestPaths.Fixture("small-world.yaml"), new[] { "firms.cn_mine.capacity=5000" });
        Assert.Equal(5000, a.Model.FirmCapacity0[Array.IndexOf(a.Model.FirmIds, "cn_mine")]);
        Assert.Contains("capacity: 5000", a.Document.ToYaml());
    }

    [Fact]
    public void WithCopiesOnlyWhatItOverridesAndLeavesTheOriginalAlone()
    {
        var doc = ScenarioCompiler.LoadAndCompile(TestPaths.Fixture("small-world.yaml")).Document;
        string before = doc.ToYaml();
        var errors = new List<ScenarioError>();
        var a = doc.With(new Dictionary<string, string> { ["firms.cn_mine.capacity"] = "5000", ["firms.cn_mine.unit_cost"] = "7" }, errors);
        var b = doc.With(new Dictionary<string, string> { ["firms.cn_mine.capacity"] = "6000" }, errors);
        Assert.Empty(errors);
        Assert.Equal(before, doc.ToYaml());
        int f = Array.IndexOf(ScenarioCompiler.Compile(doc).Model.FirmIds, "cn_mine");
        Assert.Equal(5000, ScenarioCompiler.Compile(a).Model.FirmCapacity0[f]);
        Assert.Equal(6000, ScenarioCompiler.Compile(b).Model.FirmCapacity0[f]);
        Assert.NotEqual(5000, ScenarioCompiler.Compile(doc).Model.FirmCapacity0[f]);
        // both overrides of a landed on the same copy of cn_mine; everything else is shared, not copied
        Assert.Contains("unit_cost: 7", a.ToYaml());
        Assert.Same(doc.Root.Get("countries"), a.Root.Get("countries"));
        Assert.NotSame(doc.Root.Get("firms"), a.Root.Get("firms"));
    }

    [Fact]
    public void ShippedScenariosAreValid()
    {
        foreach (var s in TestPaths.ShippedScenarios)
            Assert.NotNull(ScenarioCompiler.LoadAndCompile(TestPaths.Scenario(s)).Model);
    }
}
