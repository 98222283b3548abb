using System.Globalization;
using CsCheck;
using RareEarth.Runner;
using RareEarth.Runner.Batch;
using RareEarth.Runner.Recording;
using RareEarth.Runner.Store;
using RareEarth.Scenarios;
using RareEarth.Tests.Batch;

namespace RareEarth.Tests.Engine;

/// <summary>
/// Property tests (CsCheck) over random small worlds: the small-world fixture with random capacities, demands,
/// stocks, prices and events, all within the validated ranges, given as --set overrides. On a failure CsCheck
/// prints the shrunk world (its overrides) and the seed that reproduces it.
/// </summary>
[Collection("batch")]
public class PropertyTests
{
    static string SmallWorld => TestPaths.Fixture("small-world.yaml");

    /// <summary>A random small world: the overrides that make it, and the engine seed to run it with.</summary>
    public sealed record World(string[] Overrides, int Seed)
    {
        public override string ToString() => $"seed {Seed}: --set " + string.Join(" --set ", Overrides);
    }

    static string N(double x) => x.ToString("R", CultureInfo.InvariantCulture);
    static string Month(int m) => $"{2020 + m / 12:D4}-{m % 12 + 1:D2}";

    static Gen<string[]> Set(string path, double lo, double hi) => Gen.Double[lo, hi].Select(x => new[] { $"{path}={N(x)}" });

    /// <summary>Each event type at most once (different types never set the same thing, so no conflicts).</summary>
    static readonly Gen<string>[] EventKinds =
    {
        Gen.Select(Gen.Int[0, 59], Gen.OneOf("JP", "US", "all"), Gen.OneOf("open", "quota", "licence", "ban"), Gen.Double[0, 1], Gen.Int[0, 11], Gen.OneOf("oxide", "magnet", "all"),
            (m, to, regime, ap, delay, mat) => $"{{month: {Month(m)}, type: export_regime, country: CN, materials: {mat}, to: {to}, regime: {regime}, approval: {N(ap)}, delay: {delay}, confrontation: true}}"),
        Gen.Select(Gen.Int[0, 59], Gen.Double[0, 1e5], (m, q) => $"{{month: {Month(m)}, type: export_quota, country: CN, tonnes_reo: {N(q)}}}"),
        Gen.Select(Gen.Int[0, 59], Gen.Double[0, 2], (m, d) => $"{{month: {Month(m)}, type: export_duty, country: CN, materials: all, duty: {N(d)}}}"),
        Gen.Select(Gen.Int[0, 59], Gen.Double[0, 2e4], Gen.Int[0, 36], Gen.Int[1, 24],
            (m, c, lead, ramp) => $"{{month: {Month(m)}, type: capacity_project, firm: us_sep, capacity: {N(c)}, lead_months: {lead}, ramp_months: {ramp}}}"),
        Gen.Select(Gen.Int[0, 59], Gen.Double[0, 2000], Gen.Double[0, 200],
            (m, t, f) => $"{{month: {Month(m)}, type: stockpile, country: JP, materials: [oxide], target: {N(t)}, fill_rate: {N(f)}}}"),
        Gen.Select(Gen.Int[0, 59], Gen.Double[0, 1], (m, w) => $"{{month: {Month(m)}, type: announcement, country: CN, to: all, weight: {N(w)}}}"),
        Gen.Select(Gen.Int[0, 59], Gen.Double[0, 2e5], (m, t) => $"{{month: {Month(m)}, type: production_quota, country: CN, process: mine, tonnes: {N(t)}}}"),
    };

    static readonly Gen<string[]> Events =
        Gen.Select(Gen.Bool.Array[EventKinds.Length], EventKinds.Aggregate(Gen.Const(Array.Empty<string>()), (acc, g) => Gen.Select(acc, g, (a, e) => a.Append(e).ToArray())),
            (take, all) => new[] { "events=[" + string.Join(", ", all.Where((_, i) => take[i])) + "]" });

    static readonly Gen<string[]> Sets = new[]
    {
        Set("firms.cn_mine.capacity", 0, 3e5), Set("firms.cn_sep.capacity", 0, 3e5), Set("firms.cn_magnets.capacity", 0, 2e5),
        Set("firms.jp_magnets.capacity", 0, 2e4), Set("firms.cn_mine.utilisation", 0, 1), Set("firms.jp_magnets.inventory_months", 0, 12),
        Set("sectors.CN_use.demand", 0, 1.5e5), Set("sectors.JP_use.demand", 0, 2e4), Set("sectors.US_use.demand", 0, 2e4),
        Set("sectors.JP_use.stock_months", 0, 12), Set("sectors.US_use.coverage", 0, 12), Set("countries.JP.hoarding_gain", 0, 5),
        Gen.Select(Gen.Double[5, 500], Gen.Double[0.01, 1], (r, f) => new[] { $"materials.oxide.ref_price={N(r)}", $"materials.oxide.min_price={N(r * f)}" }),
        Gen.Select(Gen.Double[0.5, 50], Gen.Double[0.01, 1], (r, f) => new[] { $"materials.conc.ref_price={N(r)}", $"materials.conc.min_price={N(r * f)}" }),
        Events,
    }.Aggregate(Gen.Const(Array.Empty<string>()), (acc, g) => Gen.Select(acc, g, (a, b) => a.Concat(b).ToArray()));

    static readonly Gen<World> Worlds = Gen.Select(Sets, Gen.Int[0, 100_000], (sets, seed) => new World(sets, seed));

    static CompiledScenario Compile(World w, params string[] more) => ScenarioCompiler.LoadAndCompile(SmallWorld, w.Overrides.Concat(more));

    [Fact]
    public void MassBalancesAndNothingGoesNegative() =>
        Worlds.Sample(w =>
        {
            var compiled = Compile(w);
            InvariantTests.AssertMassBalance(w.ToString(), compiled.Model, w.Seed);
            InvariantTests.AssertNothingNegativeNothingNaN(w.ToString(), SingleRun.Execute(compiled, w.Seed));
        }, iter: 100, threads: 1);

    [Fact]
    public void TheSameSeedGivesTheSameBitsOnAnyThread() =>
        Worlds.Sample(w =>
        {
            var compiled = Compile(w);
            var a = SingleRun.Execute(compiled, w.Seed);
            SeriesRecorder b = null!;
            var other = new Thread(() => b = SingleRun.Execute(Compile(w), w.Seed));
            other.Start();
            other.Join();
            foreach (var f in typeof(SeriesRecorder).GetFields().Where(f => f.FieldType == typeof(double[])))
            {
                var x = (double[])f.GetValue(a)!;
                var y = (double[])f.GetValue(b)!;
                Assert.Equal(x.Length, y.Length);
                for (int i = 0; i < x.Length; i++)
                    if (BitConverter.DoubleToInt64Bits(x[i]) != BitConverter.DoubleToInt64Bits(y[i]))
                        throw new Xunit.Sdk.XunitException($"{w}: {f.Name}[{i}] {x[i]:R} then {y[i]:R}");
            }
        }, iter: 40, threads: 1);

    [Fact]
    public void ABatchStoresTheSameResultsOnOneAndTwoThreads() =>
        Worlds.Sample(w =>
        {
            var file = TestPaths.Variant("small-world.yaml",
                "uncertain:\n  countries.JP.hoarding_gain: {dist: uniform, min: 0, max: 5}\n  sectors.JP_use.elasticity: {dist: triangular, min: 0, mode: 0.05, max: 0.5}\n");
            var scenario = BatchScenario.Load(file, w.Overrides.Where(o => !o.StartsWith("countries.JP.hoarding_gain", StringComparison.Ordinal)).ToList());
            string Run(int threads)
            {
                var db = BatchKit.TempDb();
                using (var job = BatchJob.Create(db, BatchDesigns.Sampled(scenario, DesignKind.LatinHypercube, 6, w.Seed, "test"), scenario))
                    Assert.True(job.Run(threads).Complete);
                using var store = BatchStore.Open(db, readOnly: true);
                Assert.Equal(6L, store.Scalar<long>("SELECT count(*) FROM runs WHERE status = 'ok'"));
                return store.ContentHash();
            }
            Assert.Equal(Run(1), Run(2));
        }, iter: 3, threads: 1);
}
