namespace RareEarth.Engine;

/// <summary>
/// The starting state's derived parts that the world data does not list one by one
/// (docs/model.md, "Initialisation"): the declared demand trend that each firm's output follows,
/// and the projects under construction at the start that keep capacity on that trend until the
/// firms' own investment decisions, taken from month 0, arrive after their lead time.
/// </summary>
public static class Initialisation
{
    /// <summary>
    /// Declared demand growth per year of each material: end uses weighted by their starting demand,
    /// intermediate goods by what the firms using them consume at capacity (weighted by the growth of
    /// those firms' process); a process grows as the value (at reference prices) of its outputs.
    /// The material graph is acyclic, so a fixed number of passes reaches the fixed point.
    /// </summary>
    public static double[] MaterialGrowth(Model m)
    {
        int M = m.M, P = m.P;
        var g = new double[M];
        var gp = new double[P];
        var num = new double[M];
        var den = new double[M];
        for (int pass = 0; pass < 2 * (M + P) + 2; pass++)
        {
            for (int p = 0; p < P; p++)
            {
                var proc = m.Processes[p];
                double v = 0, vg = 0;
                for (int mat = 0; mat < M; mat++)
                {
                    double w = proc.Outputs[mat] * m.RefPrice[mat];
                    v += w; vg += w * g[mat];
                }
                gp[p] = v > 0 ? vg / v : 0;
            }
            Array.Clear(num); Array.Clear(den);
            for (int sec = 0; sec < m.S; sec++)
            {
                num[m.SectorMaterial[sec]] += m.SectorDemand0[sec] * m.SectorGrowth[sec];
                den[m.SectorMaterial[sec]] += m.SectorDemand0[sec];
            }
            for (int f = 0; f < m.F; f++)
            {
                var proc = m.Processes[m.FirmProcess[f]];
                for (int mat = 0; mat < M; mat++)
                {
                    double use = m.FirmCapacity0[f] * proc.Inputs[mat];
                    if (use <= 0) continue;
                    num[mat] += use * gp[m.FirmProcess[f]];
                    den[mat] += use;
                }
            }
            for (int mat = 0; mat < M; mat++) g[mat] = den[mat] > 0 ? num[mat] / den[mat] : 0;
        }
        return g;
    }

    /// <summary>
    /// Declared growth per year of each firm's capacity at the start: its process's output trend,
    /// capped by the firm's own maximum growth and scaled, as in the investment rule, by how full the
    /// firm runs at the start; 0 for a firm that does not invest or has no capacity.
    /// </summary>
    public static double[] FirmGrowth(Model m)
    {
        var g = MaterialGrowth(m);
        var fg = new double[m.F];
        for (int f = 0; f < m.F; f++)
        {
            if (m.FirmMaxGrowth[f] <= 0 || m.FirmCapacity0[f] <= 0) continue;
            var proc = m.Processes[m.FirmProcess[f]];
            double v = 0, vg = 0;
            for (int mat = 0; mat < m.M; mat++)
            {
                double w = proc.Outputs[mat] * m.RefPrice[mat];
                v += w; vg += w * g[mat];
            }
            // as the investment rule (AdaptationPhase.Invest): a firm with spare capacity at the start
            // (initial utilisation 0.6 or less) was not building; one at 0.8 or more builds at the trend
            double busy = Math.Clamp((m.FirmInitialUtilisation[f] - 0.6) / 0.2, 0, 1);
            fg[f] = busy * Math.Clamp(v > 0 ? vg / v : 0, 0, m.FirmMaxGrowth[f]);
        }
        return fg;
    }

    /// <summary>
    /// Projects under construction at the start: capacity arriving in month t follows the firm's
    /// declared trend, C0·[(1+g)^(t/12) − (1+g)^((t−1)/12)], for the months its own decisions cannot
    /// yet reach (t ≤ lead + 1), then tapers over its ramp as decisions taken from month 0 ramp in.
    /// Writes into <paramref name="pipeline"/> ([firm, month], months + 1 per firm).
    /// </summary>
    public static void SeedPipeline(Model m, double[] firmGrowth, double[] pipeline)
    {
        int months = m.Months + 1;
        for (int f = 0; f < m.F; f++)
        {
            double g = firmGrowth[f];
            if (g <= 0) continue;
            int lead = m.FirmLeadMonths[f], ramp = Math.Max(1, m.FirmRampMonths[f]);
            double c0 = m.FirmCapacity0[f], lg = Math.Log(1 + g) / 12.0;
            for (int t = 1; t <= lead + ramp && t < months; t++)
            {
                double w = Math.Clamp((lead + ramp + 1.0 - t) / ramp, 0, 1);
                pipeline[f * months + t] += w * c0 * (Math.Exp(lg * t) - Math.Exp(lg * (t - 1)));
            }
        }
    }
}
