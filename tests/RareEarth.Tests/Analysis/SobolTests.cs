using RareEarth.Analysis;

namespace RareEarth.Tests.Analysis;

public class SobolTests
{
    private const double A = 7.0, B = 0.1;

    private static double Ishigami(double x1, double x2, double x3)
    {
        double s2 = Math.Sin(x2);
        return Math.Sin(x1) + A * s2 * s2 + B * Math.Pow(x3, 4) * Math.Sin(x1);
    }

    private static double[] Evaluate(SaltelliDesign design, Func<double, double, double, double> f)
    {
        var uniform = ParameterDistribution.Uniform(-Math.PI, Math.PI);
        var x = design.Map([uniform, uniform, uniform]);
        var y = new double[design.RowCount];
        for (int r = 0; r < y.Length; r++) y[r] = f(x[r, 0], x[r, 1], x[r, 2]);
        return y;
    }

    /// <summary>Exact Ishigami indices (a = 7, b = 0.1).</summary>
    private static (double[] S1, double[] ST) IshigamiAnalytic()
    {
        double pi4 = Math.Pow(Math.PI, 4), pi8 = Math.Pow(Math.PI, 8);
        double v1 = 0.5 * Math.Pow(1 + B * pi4 / 5, 2);
        double v2 = A * A / 8;
        double v13 = B * B * pi8 * (1.0 / 18 - 1.0 / 50);
        double v = v1 + v2 + v13;
        return ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v]);
    }

    [Fact]
    public void AnalyticIshigamiValues_MatchPublishedFigures()
    {
        var (s1, st) = IshigamiAnalytic();
        double[] publishedS1 = [0.3139, 0.4424, 0.0];
        double[] publishedST = [0.5576, 0.4424, 0.2437];
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(publishedS1[i], s1[i], 4);
            Assert.Equal(publishedST[i], st[i], 4);
        }
    }

    [Fact]
    public void Ishigami_AnalyticValuesLieInBootstrapIntervals()
    {
        // n = 8192 -> 40,960 evaluations. Six simultaneous interval checks, so the per-interval level is
        // Bonferroni-adjusted from 95 % family-wise to 1 - 0.05/6 ≈ 99.2 %, rounded to 99 %. No extra tolerance is added.
        const int n = 8192;
        var design = Sobol.Create(n, 3, seed: 20240601);
        var y = Evaluate(design, Ishigami);
        var result = Sobol.Analyze(y, n, 3, bootstrapResamples: 200, seed: 99, confidence: 0.99);
        var (s1, st) = IshigamiAnalytic();

        Assert.Equal(SobolStatus.Ok, result.Status);
        Assert.Equal(0, result.DroppedRows);
        for (int i = 0; i < 3; i++)
        {
            var r = result.Indices[i];
            Assert.Equal(i, r.Parameter);
            Assert.True(r.S1Low <= s1[i] && s1[i] <= r.S1High,
                $"S1[{i}] = {s1[i]:F4} outside CI [{r.S1Low:F4}, {r.S1High:F4}] (estimate {r.S1:F4})");
            Assert.True(r.STLow <= st[i] && st[i] <= r.STHigh,
                $"ST[{i}] = {st[i]:F4} outside CI [{r.STLow:F4}, {r.STHigh:F4}] (estimate {r.ST:F4})");
            // The intervals must be informative, not trivially wide, and bracket the point estimate.
            Assert.True(r.S1High - r.S1Low < 0.12, $"S1[{i}] CI too wide: {r.S1High - r.S1Low:F4}");
            Assert.True(r.STHigh - r.STLow < 0.12, $"ST[{i}] CI too wide: {r.STHigh - r.STLow:F4}");
            Assert.InRange(r.S1, r.S1Low, r.S1High);
            Assert.InRange(r.ST, r.STLow, r.STHigh);
            Assert.Equal(s1[i], r.S1, 1);
            Assert.Equal(st[i], r.ST, 1);
        }
    }

    [Fact]
    public void FunctionOfX1Only_HasZeroIndicesForOtherParameters()
    {
        const int n = 2048;
        var design = Sobol.Create(n, 3, seed: 5, SobolBaseSampling.LatinHypercube);
        var y = Evaluate(design, (x1, _, _) => Math.Sin(x1) + 0.3 * x1 * x1);
        var result = Sobol.Analyze(y, n, 3, bootstrapResamples: 100, seed: 6);

        var r1 = result.Indices[0];
        Assert.True(r1.S1Low <= 1.0 && 1.0 <= r1.S1High, $"S1[0] CI [{r1.S1Low}, {r1.S1High}] excludes 1");
        Assert.Equal(1.0, r1.ST, 1);
        for (int i = 1; i < 3; i++)
        {
            var r = result.Indices[i];
            // f_ABi == f_A bit for bit when f ignores x_i, so both estimators are exactly zero.
            Assert.Equal(0.0, r.ST);
            Assert.Equal(0.0, r.S1);
            Assert.Equal(0.0, r.STLow);
            Assert.Equal(0.0, r.STHigh);
        }
    }

    [Fact]
    public void SameSeeds_GiveIdenticalResults()
    {
        const int n = 512;
        var d1 = Sobol.Create(n, 3, seed: 42);
        var d2 = Sobol.Create(n, 3, seed: 42);
        Assert.Equal(d1.Rows, d2.Rows);

        var y = Evaluate(d1, Ishigami);
        var r1 = Sobol.Analyze(y, n, 3, 50, seed: 1);
        var r2 = Sobol.Analyze(y, n, 3, 50, seed: 1);
        Assert.Equal(r1.Indices, r2.Indices);

        var r3 = Sobol.Analyze(y, n, 3, 50, seed: 2);
        Assert.Equal(r1.Indices[0].S1, r3.Indices[0].S1); // point estimates do not depend on the seed
        Assert.NotEqual(r1.Indices[0].S1Low, r3.Indices[0].S1Low);
        Assert.NotEqual(d1.Rows, Sobol.Create(n, 3, seed: 43).Rows);
    }

    [Fact]
    public void Design_HasDocumentedLayout()
    {
        const int n = 16, dims = 4;
        var d = Sobol.Create(n, dims, seed: 8);
        Assert.Equal(n * (dims + 2), d.RowCount);
        Assert.Equal(d.RowCount, d.Rows.GetLength(0));
        Assert.Equal(dims, d.Rows.GetLength(1));
        for (int j = 0; j < n; j++)
        {
            Assert.Equal(j, d.RowOfA(j));
            Assert.Equal(n + j, d.RowOfB(j));
            for (int i = 0; i < dims; i++)
            {
                Assert.Equal((2 + i) * n + j, d.RowOfAB(i, j));
                for (int c = 0; c < dims; c++)
                {
                    double expected = c == i ? d.Rows[n + j, c] : d.Rows[j, c];
                    Assert.Equal(expected, d.Rows[(2 + i) * n + j, c]);
                }
                Assert.NotEqual(d.Rows[j, i], d.Rows[n + j, i]);
            }
        }
    }

    [Fact]
    public void ConstantOutput_ReportsZeroVarianceWithZeros()
    {
        const int n = 64;
        var y = Enumerable.Repeat(3.7, n * 5).ToArray();
        var result = Sobol.Analyze(y, n, 3, 20, seed: 1);
        Assert.Equal(SobolStatus.ZeroVariance, result.Status);
        Assert.True(result.ZeroVariance);
        foreach (var r in result.Indices)
            Assert.Equal(new SobolIndices(r.Parameter, 0, 0, 0, 0, 0, 0), r);
    }

    [Fact]
    public void NaNOutputs_DropWholeIndexRows()
    {
        const int n = 1024;
        var design = Sobol.Create(n, 3, seed: 77);
        var y = Evaluate(design, Ishigami);
        var clean = (double[])y.Clone();
        y[design.RowOfAB(1, 5)] = double.NaN;
        y[design.RowOfA(7)] = double.NaN;
        y[design.RowOfB(7)] = double.PositiveInfinity;
        y[design.RowOfB(900)] = double.NaN;

        var result = Sobol.Analyze(y, n, 3, 0, seed: 0);
        Assert.Equal(SobolStatus.Ok, result.Status);
        Assert.Equal(3, result.DroppedRows);
        Assert.Equal(n - 3, result.UsedRows);
        Assert.True(double.IsNaN(result.Indices[0].S1Low)); // no bootstrap requested

        // Same point estimates as analysing the design with those index rows removed.
        int[] dropped = [5, 7, 900];
        int m = n - dropped.Length;
        var reduced = new List<double>();
        for (int block = 0; block < 5; block++)
            for (int j = 0; j < n; j++)
                if (!dropped.Contains(j)) reduced.Add(clean[block * n + j]);
        var expected = Sobol.Analyze(reduced.ToArray(), m, 3, 0, seed: 0);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(expected.Indices[i].S1, result.Indices[i].S1);
            Assert.Equal(expected.Indices[i].ST, result.Indices[i].ST);
        }
    }

    [Fact]
    public void AllOutputsMissing_ReportsInsufficientData()
    {
        var y = Enumerable.Repeat(double.NaN, 10 * 4).ToArray();
        var result = Sobol.Analyze(y, 10, 2, 10, seed: 1);
        Assert.Equal(SobolStatus.InsufficientData, result.Status);
        Assert.Equal(10, result.DroppedRows);
        Assert.All(result.Indices, r => Assert.Equal(0.0, r.S1));
    }

    [Fact]
    public void WrongOutputLength_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Sobol.Analyze(new double[10], 4, 2, 0, 0));
        Assert.Contains("16", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sobol.Analyze(new double[16], 4, 2, 0, 0, confidence: 1.0));
    }

    [Fact]
    public void FirstOrderIndicesFromAGivenSampleMatchIshigami()
    {
        var (s1, _) = IshigamiAnalytic();
        var unit = Sampling.LatinHypercube(5000, 3, 17);
        var uniform = ParameterDistribution.Uniform(-Math.PI, Math.PI);
        var x = Sampling.Map(unit, [uniform, uniform, uniform]);
        var y = new double[5000];
        for (int r = 0; r < y.Length; r++) y[r] = Ishigami(x[r, 0], x[r, 1], x[r, 2]);
        var est = FirstOrderSensitivity.Analyze(x, y, bootstrapResamples: 300, seed: 5);
        for (int i = 0; i < 3; i++)
        {
            Assert.InRange(s1[i], est[i].Low - 0.02, est[i].High + 0.02); // the analytic value is inside the interval (binning bias < 0.02)
            Assert.Equal(s1[i], est[i].S1, 0.03);
        }
        // an input the output does not depend on scores about zero
        var noise = Sampling.MonteCarlo(2000, 2, 3);
        var z = new double[2000];
        for (int r = 0; r < z.Length; r++) z[r] = noise[r, 0];
        var idx = FirstOrderSensitivity.Analyze(noise, z, 100, 1);
        Assert.True(idx[0].S1 > 0.95);
        Assert.InRange(idx[1].S1, -0.02, 0.02);
    }
}
