namespace RareEarth.Engine;

/// <summary>
/// Random draws on the run's own generator (<see cref="Rng"/>), allocation-free: the two textbook
/// algorithms written out so that no library call can allocate inside a month step.
/// </summary>
internal static class Draw
{
    /// <summary>Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).</summary>
    public static double Beta(Rng rng, double a, double b)
    {
        double x = Gamma(rng, a), y = Gamma(rng, b);
        return x / (x + y);
    }

    /// <summary>Gamma(shape, 1) by Marsaglia and Tsang (2000); shape below 1 by the boost U^(1/shape).</summary>
    public static double Gamma(Rng rng, double shape)
    {
        if (shape < 1) return Gamma(rng, shape + 1) * Math.Pow(rng.NextDouble(), 1.0 / shape);
        double d = shape - 1.0 / 3.0, c = 1.0 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do { x = Normal(rng); v = 1 + c * x; } while (v <= 0);
            v = v * v * v;
            double u = rng.NextDouble();
            if (u < 1 - 0.0331 * x * x * x * x) return d * v;
            if (Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v))) return d * v;
        }
    }

    /// <summary>Standard normal by the Box-Muller transform (one of the pair is used).</summary>
    public static double Normal(Rng rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
