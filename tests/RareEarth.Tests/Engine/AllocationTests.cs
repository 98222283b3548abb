using RareEarth.Engine;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Engine;

/// <summary>A month step allocates nothing once warm (checked with the runtime's per-thread allocation counter).</summary>
public class AllocationTests
{
    [Theory]
    [InlineData("controls-2025.yaml")]
    [InlineData("japan-2010.yaml")]
    public void MonthStepAllocatesZeroBytesAfterWarmUp(string scenario)
    {
        var model = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario(scenario)).Model;
        var s = new WorldState(model, 5);
        // warm up: JIT every path of a whole run once
        while (s.Month < model.Months) Simulation.Step(s);
        // a whole run measured, up to three times: on a loaded machine the runtime's tiered compilation can
        // still be promoting methods during the second run (its work is not the month step's); once warm,
        // a whole run allocates nothing
        var measured = new List<long>();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            s.Reset(5);
            for (int t = 0; t < 3; t++) Simulation.Step(s);
            long before = GC.GetAllocatedBytesForCurrentThread();
            while (s.Month < model.Months) Simulation.Step(s);
            measured.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            if (measured[^1] == 0) break;
        }
        Assert.True(measured[^1] == 0, $"bytes allocated by a whole warm run, per attempt: {string.Join(", ", measured)}");
    }

    [Fact]
    public void APairedRunWithItsRecordersAllocatesZeroBytesAfterWarmUp()
    {
        // what a batch worker does per run once its states and recorders exist: reset both, run the pair (the shared
        // months once, the state copied), record per-country totals for both
        var model = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario("controls-2025.yaml")).Model;
        var run = new WorldState(model, 5);
        var cf = new WorldState(model, 5) { Counterfactual = true };
        var totals = new RareEarth.Runner.Recording.CountryTotals();
        var cfTotals = new RareEarth.Runner.Recording.CountryTotals();
        var measured = new List<long>();
        for (int attempt = 0; attempt < 4; attempt++)
        {
            run.Reset(5); cf.Reset(5);
            long before = GC.GetAllocatedBytesForCurrentThread();
            Simulation.RunPaired(run, totals, cf, cfTotals);
            measured.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            if (attempt > 0 && measured[^1] == 0) break; // the first is the warm-up
        }
        Assert.True(measured[^1] == 0, $"bytes allocated by a paired run, per attempt (the first warms up): {string.Join(", ", measured)}");
    }

    [Fact]
    public void ResetReproducesAFreshState()
    {
        var model = ScenarioCompiler.LoadAndCompile(TestPaths.Scenario("controls-2025.yaml")).Model;
        var fresh = new WorldState(model, 9);
        var reused = new WorldState(model, 1);
        while (reused.Month < 30) Simulation.Step(reused);
        reused.Reset(9);
        while (fresh.Month < model.Months) { Simulation.Step(fresh); Simulation.Step(reused); }
        Assert.Equal(fresh.Price, reused.Price);
        Assert.Equal(fresh.Inventory, reused.Inventory);
    }
}
