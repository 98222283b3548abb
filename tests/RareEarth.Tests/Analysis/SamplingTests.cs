using RareEarth.Analysis;

namespace RareEarth.Tests.Analysis;

public class SamplingTests
{
    [Fact]
    public void MonteCarlo_ShapeRangeAndMean()
    {
        var s = Sampling.MonteCarlo(20000, 3, seed: 11);
        Assert.Equal(20000, s.GetLength(0));
        Assert.Equal(3, s.GetLength(1));
        for (int c = 0; c < 3; c++)
        {
            double sum = 0;
            for (int r = 0; r < 20000; r++)
            {
                Assert.InRange(s[r, c], 0.0, Math.BitDecrement(1.0));
                sum += s[r, c];
            }
            Assert.Equal(0.5, sum / 20000, 2); // sd of mean ~0.002
        }
    }

    [Fact]
    public void MonteCarlo_SameSeedIdentical_DifferentSeedDiffers()
    {
        Assert.Equal(Sampling.MonteCarlo(50, 4, 7), Sampling.MonteCarlo(50, 4, 7));
        Assert.NotEqual(Sampling.MonteCarlo(50, 4, 7), Sampling.MonteCarlo(50, 4, 8));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(997)]
    public void LatinHypercube_OnePointPerStratumPerDimension(int n)
    {
        const int dims = 5;
        var s = Sampling.LatinHypercube(n, dims, seed: 3);
        for (int c = 0; c < dims; c++)
        {
            var seen = new bool[n];
            for (int r = 0; r < n; r++)
            {
                Assert.InRange(s[r, c], 0.0, Math.BitDecrement(1.0));
                int stratum = (int)Math.Floor(s[r, c] * n);
                Assert.False(seen[stratum], $"stratum {stratum} of column {c} hit twice");
                seen[stratum] = true;
            }
        }
    }

    [Fact]
    public void LatinHypercube_ColumnsArePermutedIndependently()
    {
        var s = Sampling.LatinHypercube(100, 2, seed: 5);
        int sameStratum = 0;
        for (int r = 0; r < 100; r++)
            if ((int)(s[r, 0] * 100) == (int)(s[r, 1] * 100)) sameStratum++;
        Assert.True(sameStratum < 10, $"columns look identical ({sameStratum} shared strata)");
        Assert.Equal(s, Sampling.LatinHypercube(100, 2, seed: 5));
    }

    [Fact]
    public void Map_AppliesQuantilePerColumn()
    {
        double[,] unit = { { 0.5, 0.25 }, { 0.975, 1.0 } };
        var mapped = Sampling.Map(unit, [ParameterDistribution.Normal(0, 1), ParameterDistribution.Uniform(10, 14)]);
        Assert.Equal(0.0, mapped[0, 0], 10);
        Assert.Equal(11.0, mapped[0, 1], 10);
        Assert.Equal(1.959963984540054, mapped[1, 0], 8);
        Assert.Equal(14.0, mapped[1, 1], 10);
        Assert.Throws<ArgumentException>(() => Sampling.Map(unit, [ParameterDistribution.Normal(0, 1)]));
    }

    [Fact]
    public void InvalidShape_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Sampling.MonteCarlo(0, 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sampling.LatinHypercube(5, 0, 1));
    }
}
