using RareEarth.Analysis;

namespace RareEarth.Tests.Analysis;

public class DistributionsTests
{
    [Fact]
    public void Normal_Quantiles()
    {
        var d = ParameterDistribution.Normal(10.0, 2.0);
        Assert.Equal(10.0, d.Quantile(0.5), 10);
        Assert.Equal(10.0 + 2.0 * 1.959963984540054, d.Quantile(0.975), 8);
        Assert.Equal(10.0 - 2.0 * 1.959963984540054, d.Quantile(0.025), 8);
    }

    [Fact]
    public void LogNormal_UsesUnderlyingNormalParameters()
    {
        var d = ParameterDistribution.LogNormal(1.0, 0.5);
        Assert.Equal(Math.E, d.Quantile(0.5), 10);
        Assert.Equal(Math.Exp(1.0 + 0.5 * 1.959963984540054), d.Quantile(0.975), 8);
        Assert.Equal(0.0, d.Quantile(0.0));
    }

    [Fact]
    public void Uniform_Quantiles()
    {
        var d = ParameterDistribution.Uniform(2.0, 5.0);
        Assert.Equal(2.0, d.Quantile(0.0), 12);
        Assert.Equal(2.75, d.Quantile(0.25), 12);
        Assert.Equal(5.0, d.Quantile(1.0), 12);
    }

    [Fact]
    public void Triangular_Quantiles_MatchClosedForm()
    {
        // min 0, mode 1, max 4: F(mode) = 1/4.
        var d = ParameterDistribution.Triangular(0.0, 1.0, 4.0);
        Assert.Equal(1.0, d.Quantile(0.25), 10);
        Assert.Equal(Math.Sqrt(0.1 * 4 * 1), d.Quantile(0.1), 10);
        Assert.Equal(4.0 - Math.Sqrt(0.1 * 4 * 3), d.Quantile(0.9), 10);
        Assert.Equal(0.0, d.Quantile(0.0), 12);
        Assert.Equal(4.0, d.Quantile(1.0), 12);
    }

    [Fact]
    public void Beta_Quantiles_MatchClosedForm()
    {
        // Beta(2,1): F(z) = z^2, so Q(u) = sqrt(u); scaled to [10, 20].
        var scaled = ParameterDistribution.Beta(2.0, 1.0, 10.0, 20.0);
        foreach (double u in new[] { 0.01, 0.3, 0.64, 0.99 })
            Assert.Equal(10.0 + 10.0 * Math.Sqrt(u), scaled.Quantile(u), 8);
        Assert.Equal(10.0, scaled.Quantile(0.0));
        Assert.Equal(20.0, scaled.Quantile(1.0));

        // Beta(2,5): F(z) = 1 - (1-z)^6 - 6 z (1-z)^5.
        var b = ParameterDistribution.Beta(2.0, 5.0);
        foreach (double z in new[] { 0.05, 0.3, 0.7 })
        {
            double u = 1 - Math.Pow(1 - z, 6) - 6 * z * Math.Pow(1 - z, 5);
            Assert.Equal(z, b.Quantile(u), 8);
        }
    }

    [Fact]
    public void Create_FromKindName()
    {
        Assert.Equal(new NormalDistribution(1, 2), ParameterDistribution.Create("Normal", 1, 2));
        Assert.Equal(new TriangularDistribution(0, 1, 4), ParameterDistribution.Create("triangular", 0, 1, 4));
        Assert.Equal(new BetaDistribution(2, 3, 5, 6), ParameterDistribution.Create("beta", 2, 3, 5, 6));
        Assert.Equal("lognormal", ParameterDistribution.Create("lognormal", 0, 1).Kind);
        var ex = Assert.Throws<ArgumentException>(() => ParameterDistribution.Create("gamma", 1, 2));
        Assert.Contains("gamma", ex.Message);
        Assert.Throws<ArgumentException>(() => ParameterDistribution.Create("uniform", 1));
    }

    [Fact]
    public void InvalidParameters_ThrowClearArgumentExceptions()
    {
        Assert.Contains("standardDeviation", Assert.Throws<ArgumentException>(() => new NormalDistribution(0, 0)).Message);
        Assert.Contains("sigma", Assert.Throws<ArgumentException>(() => new LogNormalDistribution(0, -1)).Message);
        Assert.Contains("min must be < max", Assert.Throws<ArgumentException>(() => new UniformDistribution(3, 3)).Message);
        Assert.Contains("mode", Assert.Throws<ArgumentException>(() => new TriangularDistribution(0, 5, 4)).Message);
        Assert.Contains("alpha", Assert.Throws<ArgumentException>(() => new BetaDistribution(0, 1)).Message);
        Assert.Throws<ArgumentException>(() => new NormalDistribution(double.NaN, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new UniformDistribution(0, 1).Quantile(1.01));
        Assert.Throws<ArgumentOutOfRangeException>(() => new UniformDistribution(0, 1).Quantile(double.NaN));
    }
}
