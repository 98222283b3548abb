using RareEarth.Runner;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Scenarios;

/// <summary>
/// <c>approval_by_material</c> on an export_regime event: a licence rate of its own for some of the listed materials
/// (China's 2025 licences let magnets back from June while Dy oxide stayed at a fraction of its 2024 exports).
/// </summary>
public class ApprovalByMaterialTests
{
    [Fact]
    public void OneEventWithARateByMaterialRunsAsTheSeparateEventsItStandsFor()
    {
        var one = ScenarioCompiler.LoadAndCompile(TestPaths.Variant("small-world.yaml",
            "events:\n  - {month: 2021-01, type: export_regime, country: CN, materials: [oxide, magnet], to: all, regime: licence, approval: 0.8, approval_by_material: {oxide: 0.1}, delay: 1}\n"));
        var two = ScenarioCompiler.LoadAndCompile(TestPaths.Variant("small-world.yaml",
            "events:\n  - {month: 2021-01, type: export_regime, country: CN, materials: [magnet], to: all, regime: licence, approval: 0.8, delay: 1}\n" +
            "  - {month: 2021-01, type: export_regime, country: CN, materials: [oxide], to: all, regime: licence, approval: 0.1, delay: 1}\n"));
        var a = SingleRun.Execute(one, 2);
        var b = SingleRun.Execute(two, 2);
        Assert.Equal(b.Price, a.Price);
        Assert.Equal(b.Trade, a.Trade);
        // and the rate matters: oxide at the event's own 0.8 is another run
        var plain = SingleRun.Execute(ScenarioCompiler.LoadAndCompile(TestPaths.Variant("small-world.yaml",
            "events:\n  - {month: 2021-01, type: export_regime, country: CN, materials: [oxide, magnet], to: all, regime: licence, approval: 0.8, delay: 1}\n")), 2);
        Assert.NotEqual(plain.Trade, a.Trade);
    }

    [Fact]
    public void AMaterialTheEventDoesNotListOrARateOutOfRangeIsReportedWhereItIs()
    {
        var path = TestPaths.Variant("small-world.yaml",
            "events:\n  - {month: 2021-01, type: export_regime, country: CN, materials: [magnet], to: all, regime: licence,\n" +
            "     approval_by_material: {oxide: 0.1, magnet: 1.5, neodymium: 0.2}}\n");
        var errors = Assert.Throws<ScenarioException>(() => ScenarioCompiler.LoadAndCompile(path)).Errors;
        Assert.Contains(errors, e => e.Path == "events.0.approval_by_material.oxide" && e.Message.Contains("not among this event's materials") && e.Line == 4);
        Assert.Contains(errors, e => e.Path == "events.0.approval_by_material.magnet" && e.Message.Contains("found 1.5") && e.Line == 4);
        Assert.Contains(errors, e => e.Path == "events.0.approval_by_material.neodymium" && e.Message.Contains("unknown material 'neodymium'"));
    }
}
