using System.Globalization;
using MN = MathNet.Numerics.Distributions;

namespace RareEarth.Analysis;

/// <summary>
/// A univariate parameter distribution used to map unit-hypercube samples to parameter values
/// through its inverse CDF (<see cref="Quantile"/>).
/// </summary>
/// <remarks>
/// Use the concrete types (<see cref="NormalDistribution"/>, <see cref="LogNormalDistribution"/>,
/// <see cref="UniformDistribution"/>, <see cref="TriangularDistribution"/>, <see cref="BetaDistribution"/>)
/// or the static factories. Unbounded distributions return ±infinity at u = 0 or u = 1.
/// </remarks>
public abstract record ParameterDistribution
{
    private protected ParameterDistribution() { }

    /// <summary>Lower-case kind name: "normal", "lognormal", "uniform", "triangular" or "beta".</summary>
    public abstract string Kind { get; }

    /// <summary>Inverse CDF at probability <paramref name="u"/> in [0, 1].</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="u"/> is NaN or outside [0, 1].</exception>
    public double Quantile(double u)
    {
        if (!(u >= 0.0 && u <= 1.0))
            throw new ArgumentOutOfRangeException(nameof(u), u, $"{Kind} quantile: probability must lie in [0, 1].");
        return QuantileCore(u);
    }

    /// <summary>Inverse CDF for a validated probability.</summary>
    private protected abstract double QuantileCore(double u);

    /// <summary>Normal(mean, sd).</summary>
    public static NormalDistribution Normal(double mean, double standardDeviation) => new(mean, standardDeviation);

    /// <summary>Log-normal whose logarithm is Normal(mu, sigma).</summary>
    public static LogNormalDistribution LogNormal(double mu, double sigma) => new(mu, sigma);

    /// <summary>Continuous uniform on [min, max].</summary>
    public static UniformDistribution Uniform(double min, double max) => new(min, max);

    /// <summary>Triangular on [min, max] with the given mode.</summary>
    public static TriangularDistribution Triangular(double min, double mode, double max) => new(min, mode, max);

    /// <summary>Beta(alpha, beta) scaled linearly to [min, max] (default [0, 1]).</summary>
    public static BetaDistribution Beta(double alpha, double beta, double min = 0.0, double max = 1.0) => new(alpha, beta, min, max);

    /// <summary>
    /// Creates a distribution from a kind name (case-insensitive) and its positional arguments, e.g. for
    /// scenario files: normal(mean, sd), lognormal(mu, sigma), uniform(min, max), triangular(min, mode, max),
    /// beta(alpha, beta[, min, max]).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown kind, wrong argument count or invalid arguments.</exception>
    public static ParameterDistribution Create(string kind, params double[] args)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(args);
        string k = kind.Trim().ToLowerInvariant();
        switch (k)
        {
            case "normal":
                Expect(k, args, 2);
                return new NormalDistribution(args[0], args[1]);
            case "lognormal":
                Expect(k, args, 2);
                return new LogNormalDistribution(args[0], args[1]);
            case "uniform":
                Expect(k, args, 2);
                return new UniformDistribution(args[0], args[1]);
            case "triangular":
                Expect(k, args, 3);
                return new TriangularDistribution(args[0], args[1], args[2]);
            case "beta":
                if (args.Length == 2) return new BetaDistribution(args[0], args[1]);
                if (args.Length == 4) return new BetaDistribution(args[0], args[1], args[2], args[3]);
                throw new ArgumentException(
                    $"beta expects 2 arguments (alpha, beta) or 4 (alpha, beta, min, max) but got {args.Length}.", nameof(args));
            default:
                throw new ArgumentException(
                    $"Unknown distribution kind '{kind}'. Expected normal, lognormal, uniform, triangular or beta.", nameof(kind));
        }
    }

    private static void Expect(string kind, double[] args, int count)
    {
        if (args.Length != count)
            throw new ArgumentException($"{kind} expects {count} arguments but got {args.Length}.", nameof(args));
    }

    internal static void RequireFinite(double value, string kind, string name)
    {
        if (!double.IsFinite(value))
            throw new ArgumentException($"{kind}: {name} must be finite but was {value.ToString(CultureInfo.InvariantCulture)}.", name);
    }

    internal static void RequirePositive(double value, string kind, string name)
    {
        RequireFinite(value, kind, name);
        if (value <= 0.0)
            throw new ArgumentException($"{kind}: {name} must be > 0 but was {value.ToString(CultureInfo.InvariantCulture)}.", name);
    }

    internal static void RequireOrdered(double min, double max, string kind)
    {
        RequireFinite(min, kind, "min");
        RequireFinite(max, kind, "max");
        if (!(min < max))
            throw new ArgumentException(
                $"{kind}: min must be < max but got min={min.ToString(CultureInfo.InvariantCulture)}, max={max.ToString(CultureInfo.InvariantCulture)}.", "max");
    }
}

/// <summary>Normal distribution with the given mean and standard deviation (&gt; 0).</summary>
public sealed record NormalDistribution : ParameterDistribution
{
    /// <summary>Creates Normal(mean, sd).</summary>
    public NormalDistribution(double mean, double standardDeviation)
    {
        RequireFinite(mean, "normal", "mean");
        RequirePositive(standardDeviation, "normal", "standardDeviation");
        Mean = mean;
        StandardDeviation = standardDeviation;
    }

    /// <summary>Mean.</summary>
    public double Mean { get; }
    /// <summary>Standard deviation.</summary>
    public double StandardDeviation { get; }
    /// <inheritdoc/>
    public override string Kind => "normal";

    private protected override double QuantileCore(double u) => MN.Normal.InvCDF(Mean, StandardDeviation, u);
}

/// <summary>Log-normal distribution: exp(X) with X ~ Normal(<see cref="Mu"/>, <see cref="Sigma"/>).</summary>
public sealed record LogNormalDistribution : ParameterDistribution
{
    /// <summary>Creates a log-normal from the mean and standard deviation of the underlying normal.</summary>
    public LogNormalDistribution(double mu, double sigma)
    {
        RequireFinite(mu, "lognormal", "mu");
        RequirePositive(sigma, "lognormal", "sigma");
        Mu = mu;
        Sigma = sigma;
    }

    /// <summary>Mean of the underlying normal (log scale).</summary>
    public double Mu { get; }
    /// <summary>Standard deviation of the underlying normal (log scale).</summary>
    public double Sigma { get; }
    /// <inheritdoc/>
    public override string Kind => "lognormal";

    private protected override double QuantileCore(double u) =>
        u == 0.0 ? 0.0 : MN.LogNormal.InvCDF(Mu, Sigma, u);
}

/// <summary>Continuous uniform distribution on [<see cref="Min"/>, <see cref="Max"/>].</summary>
public sealed record UniformDistribution : ParameterDistribution
{
    /// <summary>Creates Uniform(min, max), min &lt; max.</summary>
    public UniformDistribution(double min, double max)
    {
        RequireOrdered(min, max, "uniform");
        Min = min;
        Max = max;
    }

    /// <summary>Lower bound.</summary>
    public double Min { get; }
    /// <summary>Upper bound.</summary>
    public double Max { get; }
    /// <inheritdoc/>
    public override string Kind => "uniform";

    private protected override double QuantileCore(double u) => MN.ContinuousUniform.InvCDF(Min, Max, u);
}

/// <summary>Triangular distribution on [<see cref="Min"/>, <see cref="Max"/>] with peak at <see cref="Mode"/>.</summary>
public sealed record TriangularDistribution : ParameterDistribution
{
    /// <summary>Creates Triangular(min, mode, max) with min ≤ mode ≤ max and min &lt; max.</summary>
    public TriangularDistribution(double min, double mode, double max)
    {
        RequireOrdered(min, max, "triangular");
        RequireFinite(mode, "triangular", "mode");
        if (mode < min || mode > max)
            throw new ArgumentException(
                $"triangular: mode must lie in [min, max] but got min={min.ToString(CultureInfo.InvariantCulture)}, " +
                $"mode={mode.ToString(CultureInfo.InvariantCulture)}, max={max.ToString(CultureInfo.InvariantCulture)}.", nameof(mode));
        Min = min;
        Mode = mode;
        Max = max;
    }

    /// <summary>Lower bound.</summary>
    public double Min { get; }
    /// <summary>Mode (peak).</summary>
    public double Mode { get; }
    /// <summary>Upper bound.</summary>
    public double Max { get; }
    /// <inheritdoc/>
    public override string Kind => "triangular";

    // MathNet argument order is (lower, upper, mode, p).
    private protected override double QuantileCore(double u) => MN.Triangular.InvCDF(Min, Max, Mode, u);
}

/// <summary>
/// Beta(<see cref="Alpha"/>, <see cref="BetaShape"/>) distribution linearly rescaled from [0, 1] to
/// [<see cref="Min"/>, <see cref="Max"/>].
/// </summary>
/// <remarks>The quantile uses MathNet's numeric (root-finding) Beta inverse CDF, clamped to the support.</remarks>
public sealed record BetaDistribution : ParameterDistribution
{
    /// <summary>Creates Beta(alpha, beta) on [min, max] (default [0, 1]); alpha, beta &gt; 0.</summary>
    public BetaDistribution(double alpha, double beta, double min = 0.0, double max = 1.0)
    {
        RequirePositive(alpha, "beta", "alpha");
        RequirePositive(beta, "beta", "beta");
        RequireOrdered(min, max, "beta");
        Alpha = alpha;
        BetaShape = beta;
        Min = min;
        Max = max;
    }

    /// <summary>First shape parameter (alpha).</summary>
    public double Alpha { get; }
    /// <summary>Second shape parameter (beta).</summary>
    public double BetaShape { get; }
    /// <summary>Lower bound of the scaled support.</summary>
    public double Min { get; }
    /// <summary>Upper bound of the scaled support.</summary>
    public double Max { get; }
    /// <inheritdoc/>
    public override string Kind => "beta";

    private protected override double QuantileCore(double u)
    {
        double z;
        if (u == 0.0) z = 0.0;
        else if (u == 1.0) z = 1.0;
        else z = Math.Clamp(MN.Beta.InvCDF(Alpha, BetaShape, u), 0.0, 1.0);
        return Min + (Max - Min) * z;
    }
}
