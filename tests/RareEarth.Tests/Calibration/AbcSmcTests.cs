using RareEarth.Analysis;
using MN = MathNet.Numerics.Distributions;

namespace RareEarth.Tests.Calibration;

/// <summary>ABC-SMC on a toy model with a known answer: two parameters observed with noise.</summary>
public class AbcSmcTests
{
    /// <summary>Prior: uniform on [0, 10] for both parameters, in the sampler's standard-normal space.</summary>
    static double[] Theta(double[] z) => z.Select(x => 10 * MN.Normal.CDF(0, 1, x)).ToArray();

    /// <summary>The toy model: each parameter seen five times with normal noise of sd 0.3; distance between the means.</summary>
    static double Distance(double[] theta, double[] data, int seed)
    {
        var rng = new Random(seed);
        double s = 0;
        for (int k = 0; k < theta.Length; k++)
        {
            double sim = 0, obs = 0;
            for (int r = 0; r < 5; r++)
            {
                double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
                sim += (theta[k] + 0.3 * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2)) / 5;
                obs += data[k * 5 + r] / 5;
            }
            s += (sim - obs) * (sim - obs);
        }
        return Math.Sqrt(s);
    }

    static (AbcPopulation Last, List<AbcPopulation> All) Calibrate(double[] data, int particles, int generations, int seed)
    {
        var all = new List<AbcPopulation>();
        AbcPopulation? pop = null;
        for (int g = 0; g < generations; g++)
        {
            var z = pop is null ? AbcSmc.PriorProposals(4 * particles, 2, seed + g) : AbcSmc.Perturb(pop, 4 * particles, seed + g);
            var d = z.Select((zi, i) => Distance(Theta(zi), data, 10000 * g + i)).ToArray();
            pop = AbcSmc.Accept(z, d, 0.25, pop);
            all.Add(pop);
        }
        return (pop!, all);
    }

    [Fact]
    public void RecoversKnownParametersWithinTheirCredibleIntervals()
    {
        var truth = new[] { 3.0, 7.0 };
        var data = new double[10];
        var rng = new Random(42);
        for (int k = 0; k < 2; k++)
            for (int r = 0; r < 5; r++)
            {
                double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
                data[k * 5 + r] = truth[k] + 0.3 * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            }
        var (last, all) = Calibrate(data, 300, 8, 7);
        for (int k = 0; k < 2; k++)
        {
            var x = last.Z.Select(z => Theta(z)[k]).ToArray();
            double lo = WeightedStats.Quantile(x, last.Weights, 0.05), hi = WeightedStats.Quantile(x, last.Weights, 0.95);
            Assert.True(lo <= truth[k] && truth[k] <= hi, $"parameter {k}: truth {truth[k]} outside the 90% interval [{lo:F2}, {hi:F2}]");
            Assert.True(hi - lo < 1.5, $"parameter {k}: the 90% interval [{lo:F2}, {hi:F2}] is hardly narrower than the prior's 9 (tolerances {string.Join(", ", all.Select(p => p.Epsilon.ToString("F2")))})");
        }
        // the tolerance falls generation by generation
        for (int g = 1; g < all.Count; g++) Assert.True(all[g].Epsilon <= all[g - 1].Epsilon);
        Assert.True(all[^1].Epsilon < all[0].Epsilon / 2);
        Assert.Equal(1.0, last.Weights.Sum(), 9);
    }

    [Fact]
    public void IsDeterministic()
    {
        var data = Enumerable.Repeat(5.0, 10).ToArray();
        var (a, _) = Calibrate(data, 50, 3, 3);
        var (b, _) = Calibrate(data, 50, 3, 3);
        Assert.Equal(a.Weights, b.Weights);
        Assert.Equal(a.Z.SelectMany(z => z), b.Z.SelectMany(z => z));
    }

    [Fact]
    public void FailedRunsAreNeverAccepted()
    {
        var z = AbcSmc.PriorProposals(10, 1, 1);
        var d = new[] { 1.0, double.NaN, 0.5, double.PositiveInfinity, 2, 3, 4, 5, 6, 7 };
        var pop = AbcSmc.Accept(z, d, 0.5, null);
        Assert.DoesNotContain(pop.Distances, x => !double.IsFinite(x));
        Assert.All(pop.Distances, x => Assert.True(x <= pop.Epsilon));
    }

    [Fact]
    public void WeightedQuantileOfEqualWeightsIsTheMedian()
    {
        var x = new[] { 1.0, 2, 3, 4, 5 };
        Assert.Equal(3, WeightedStats.Quantile(x, new double[] { 1, 1, 1, 1, 1 }, 0.5), 12);
        Assert.Equal(5, WeightedStats.Quantile(x, new double[] { 0, 0, 0, 0, 1 }, 0.5), 12);
        Assert.Equal(new[] { 0, 0, 1, 1 }, WeightedStats.Resample(new double[] { 1, 1 }, 4, 1));
    }
}
