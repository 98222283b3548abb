using RareEarth.Scenarios;

namespace RareEarth.Tests.Scenarios;

/// <summary>Two events may not set the same thing in the same month: the scenario is refused, naming both events and lines.</summary>
public class EventConflictTests
{
    static string World(string events) => TestPaths.Variant("small-world.yaml", "events:\n" + events);

    static ScenarioError Conflict(string file, params string[] sets)
    {
        var ex = Assert.Throws<ScenarioException>(() => ScenarioCompiler.LoadAndCompile(file, sets));
        return Assert.Single(ex.Errors);
    }

    [Fact]
    public void TwoRegimesForTheSameMaterialAndDestinationInOneMonthAreRefused()
    {
        var file = World(
            "  - {month: 2021-06, type: export_regime, country: CN, materials: [oxide, magnet], to: all, regime: licence, approval: 0.5}\n" +
            "  - {month: 2021-07, type: export_duty, country: CN, materials: all, duty: 0.1}\n" +
            "  - {month: 2021-06, type: export_regime, country: CN, materials: [magnet], to: JP, regime: ban}\n");
        var e = Conflict(file);
        Assert.Equal(("events.2", 5), (e.Path, e.Line));
        Assert.EndsWith("variant.yaml", e.File);
        Assert.Contains("events.0 (line 3) and events.2 (line 5) both set the export regime of CN for magnet to JP in 2021-06", e.Message);
    }

    [Theory]
    [InlineData("type: export_duty, country: CN, materials: [oxide], duty: 0.1", "type: export_duty, country: CN, materials: all, duty: 0.2", "the export duty of CN on oxide")]
    [InlineData("type: export_quota, country: CN, tonnes_reo: 100", "type: export_quota, country: CN, tonnes_reo: null", "the export quota of CN")]
    [InlineData("type: embedded_rule, country: CN, share: 0.1", "type: embedded_rule, country: CN, share: 0.2", "the embedded-content rule of CN")]
    [InlineData("type: stockpile, country: JP, materials: all, target: 10, fill_rate: 1", "type: stockpile, country: JP, materials: [oxide], target: 20, fill_rate: 2", "the stockpile target of JP for oxide")]
    [InlineData("type: capex_subsidy, country: US, share: 0.2", "type: capex_subsidy, country: US, process: separate, share: 0.5", "the capex subsidy of US for separate")]
    [InlineData("type: production_quota, country: CN, process: mine, tonnes: 100", "type: production_quota, country: CN, tonnes: 200", "the production quota of CN for mine")]
    public void EveryKindOfSettingConflicts(string first, string second, string thing)
    {
        var e = Conflict(World($"  - {{month: 2022-03, {first}}}\n  - {{month: 2022-03, {second}}}\n"));
        Assert.Contains($"events.0 (line 3) and events.1 (line 4) both set {thing} in 2022-03", e.Message);
    }

    [Fact]
    public void DifferentMonthsDestinationsOrAddingEventsDoNotConflict()
    {
        var file = World(
            "  - {month: 2021-06, type: export_regime, country: CN, materials: [oxide], to: JP, regime: ban}\n" +
            "  - {month: 2021-06, type: export_regime, country: CN, materials: [oxide], to: US, regime: licence}\n" +
            "  - {month: 2021-07, type: export_regime, country: CN, materials: [oxide], to: JP, regime: open}\n" +
            "  - {month: 2021-06, type: capacity_project, firm: us_sep, capacity: 100}\n" +
            "  - {month: 2021-06, type: capacity_project, firm: us_sep, capacity: 200}\n" +
            "  - {month: 2021-06, type: announcement, country: CN, to: all}\n" +
            "  - {month: 2021-06, type: announcement, country: CN, to: all}\n" +
            "  - {month: 2021-06, type: rnd_funding, country: JP, firms: 1}\n" +
            "  - {month: 2021-06, type: rnd_funding, country: JP, firms: 2}\n");
        Assert.Equal(11, ScenarioCompiler.LoadAndCompile(file).Model.Events.Length); // announcements to all: one per destination
    }

    [Fact]
    public void AConflictMadeByAnOverrideIsRefused()
    {
        var file = World(
            "  - {month: 2021-06, type: export_quota, country: CN, tonnes_reo: 100}\n" +
            "  - {month: 2021-08, type: export_quota, country: CN, tonnes_reo: 50}\n");
        Assert.NotNull(ScenarioCompiler.LoadAndCompile(file));
        var e = Conflict(file, "events.1.month=2021-06");
        Assert.Equal(("events.1", 4), (e.Path, e.Line));
        Assert.Contains("events.0 (line 3) and events.1 (line 4) both set the export quota of CN in 2021-06", e.Message);
    }

    [Fact]
    public void TheShippedScenariosHaveNoConflicts()
    {
        foreach (var s in TestPaths.ShippedScenarios) ScenarioCompiler.LoadAndCompile(TestPaths.Scenario(s));
    }
}
