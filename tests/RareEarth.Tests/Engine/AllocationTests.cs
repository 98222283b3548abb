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
        s.Reset(5);
        for (int t = 0; t < 3; t++) Simulation.Step(s);
        long before = GC.GetAllocatedBytesForCurrentThread();
        while (s.Month < model.Months) Simulation.Step(s);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
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
