using System.Globalization;
using RareEarth.Analysis;
using RareEarth.Engine;
using RareEarth.Scenarios;

namespace RareEarth.Runner.Sampling;

/// <summary>
/// Turns a scenario's declared uncertain parameters into values: from points of the unit hypercube
/// (a batch design) or drawn from a run's seed. Values are written with round-trip formatting so
/// that `run --set path=value` reproduces them bit for bit.
/// </summary>
public static class UncertainSampler
{
    public static ParameterDistribution DistributionOf(UncertainParameter p) => p.Distribution switch
    {
        "triangular" => ParameterDistribution.Create("triangular", p.A, p.C, p.B),
        "beta" => ParameterDistribution.Create("beta", p.A, p.B, p.C, p.D),
        _ => ParameterDistribution.Create(p.Distribution, p.A, p.B),
    };

    /// <summary>Maps one point of the unit hypercube (one coordinate per parameter) to --set overrides.</summary>
    public static List<KeyValuePair<string, string>> FromUnit(IReadOnlyList<UncertainParameter> parameters, ReadOnlySpan<double> unit)
    {
        var list = new List<KeyValuePair<string, string>>(parameters.Count);
        for (int i = 0; i < parameters.Count; i++)
        {
            // the tails validation checks against each parameter's range (UncertainParameter.Support)
            double u = Math.Clamp(unit[i], UncertainParameter.TailProbability, 1 - UncertainParameter.TailProbability);
            double v = DistributionOf(parameters[i]).Quantile(u);
            list.Add(new(parameters[i].Path, Format(v)));
        }
        return list;
    }

    /// <summary>Independent draws for a single run, from the run's seed (a stream separate from the engine's).</summary>
    public static List<KeyValuePair<string, string>> Draw(IReadOnlyList<UncertainParameter> parameters, int seed)
    {
        var rng = new Rng(unchecked(seed * 0x5851F42D4C957F2DL + 0x14057B7EF767814FL));
        var unit = new double[parameters.Count];
        for (int i = 0; i < unit.Length; i++) unit[i] = rng.NextDouble();
        return FromUnit(parameters, unit);
    }

    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
