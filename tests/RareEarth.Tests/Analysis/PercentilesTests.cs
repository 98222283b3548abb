using RareEarth.Analysis;

namespace RareEarth.Tests.Analysis;

public class PercentilesTests
{
    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.25, 3.25)]
    [InlineData(0.5, 5.5)]
    [InlineData(0.9, 9.1)]
    [InlineData(1.0, 10.0)]
    public void Quantile_OneToTen_MatchesType7(double p, double expected)
    {
        double[] sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(expected, Percentiles.Quantile(sorted, p), 12);
    }

    [Fact]
    public void Quantiles_UnsortedInput_MatchesRDefault()
    {
        // R: quantile(c(10, 7, 4, 3, 2, 1)) -> 1.00 2.25 3.50 6.25 10.00
        double[] values = [10, 7, 4, 3, 2, 1];
        double[] q = Percentiles.Quantiles(values, [0.0, 0.25, 0.5, 0.75, 1.0]);
        Assert.Equal([1.0, 2.25, 3.5, 6.25, 10.0], q);
        Assert.Equal([1.0, 2, 3, 4, 7, 10], values); // sorted in place
    }

    [Fact]
    public void Quantile_SingleValue_ReturnsIt()
    {
        Assert.Equal(42.0, Percentiles.Quantile([42.0], 0.0));
        Assert.Equal(42.0, Percentiles.Quantile([42.0], 0.37));
        Assert.Equal(42.0, Percentiles.Quantile([42.0], 1.0));
    }

    [Fact]
    public void Quantile_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => Percentiles.Quantile(ReadOnlySpan<double>.Empty, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Quantile([1.0, 2.0], 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Quantile([1.0, 2.0], double.NaN));
        Assert.Throws<ArgumentException>(() => Percentiles.Quantiles(new double[] { 1.0, double.NaN }, [0.5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Quantiles(new double[] { 1.0 }, [-0.1]));
    }
}
