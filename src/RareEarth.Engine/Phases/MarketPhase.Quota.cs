namespace RareEarth.Engine.Phases;

/// <summary>
/// An export quota shared by several materials (China's 2010-2014 quota covered the rare-earth oxides and concentrates
/// in one tonnage of REO: WTO panel report China - Rare Earths, WT/DS431/R, 26 March 2014). A holder of quota licences
/// ships whatever earns the most over the domestic price, so a shared quota ends up with one shadow price: the quota
/// rent per tonne of REO (outside price − domestic price × (1 + duty), over the REO content) is the same for every
/// material exported under it, or a holder would gain by moving tonnes to the material with the higher rent. This is
/// the textbook allocation of a quantity constraint over a product category, which acts as one specific tariff on all
/// of it (Falvey 1979, "The composition of trade within import-restricted product categories", <i>J. Polit. Econ.</i>
/// 87(5); Anderson 1985, "The relative inefficiency of quotas: the cheese case", <i>Am. Econ. Rev.</i> 75(1)).
/// </summary>
public static partial class MarketPhase
{
    /// <summary>
    /// Rents at which each covered material's import demand is evaluated, as multiples of last month's common rent:
    /// quota holders' plans move on from last month's (in japan-2010 the rent mostly moves by less than 2x a month,
    /// and the grid is moved by <see cref="QuotaGridMove"/> when this month's rent lies outside 0.5-2x last month's).
    /// Between two points the demands are interpolated linearly in the rent.
    /// </summary>
    static readonly double[] QuotaGrid = { 0, 0.5, 1, 2 };
    internal const int QuotaGridPoints = 4;
    /// <summary>Times the grid may be moved by a factor <see cref="QuotaGridMove"/> in one month before the plan is taken as it is.</summary>
    const int QuotaGridTries = 12;
    const double QuotaGridMove = 4;

    /// <summary>
    /// This month's plan for a shared export quota Q (t REO): the common rent λ (USD/kg REO) at which region 1's
    /// import demand for the covered materials, each at its expected domestic price × (1 + duty) + λ × its REO
    /// content, adds up to Q; each material is planned what region 1 would import of it at that price
    /// (<see cref="WorldState.QuotaPlan"/>). The plan rests on expected domestic prices and on region 1's bids,
    /// not on this month's prices, and moves smoothly with them: no material's place depends on a ranking that
    /// flips with small price moves. When the demand at zero rent fits in the quota, the quota is slack: each
    /// material may take its demand plus all that is left.
    /// </summary>
    static void PlanQuota(WorldState s)
    {
        var m = s.Model;
        int exporter = Exporter(m);
        if (exporter < 0 || double.IsPositiveInfinity(s.QuotaMonth[exporter])) return;
        double quota = s.QuotaMonth[exporter];
        if (quota <= 0)
        {
            Array.Clear(s.QuotaPlan);
            return;
        }
        double centre = s.QuotaShadow[exporter];
        if (centre <= 0) centre = FirstRentGuess(s, exporter);
        int G = QuotaGridPoints;
        for (int tries = 0; ; tries++)
        {
            EvaluateQuotaGrid(s, exporter, centre);
            double q0 = GridTotal(s, 0);
            if (q0 <= quota)
            {
                // slack: the zero-rent demand fits
                for (int mat = 0; mat < m.M; mat++) s.QuotaPlan[mat] = s.QuotaGridDemand[mat * G] + (quota - q0);
                s.QuotaShadow[exporter] = 0;
                return;
            }
            bool last = tries + 1 >= QuotaGridTries;
            double qTop = GridTotal(s, G - 1);
            if (qTop > quota && !last) { centre *= QuotaGridMove; continue; }
            if (GridTotal(s, 1) < quota && !last) { centre /= QuotaGridMove; continue; }
            if (qTop > quota)
            {
                // not bracketed after all tries (demand that no price chokes off): scale the top plan down to the quota
                for (int mat = 0; mat < m.M; mat++) s.QuotaPlan[mat] = s.QuotaGridDemand[mat * G + G - 1] * quota / qTop;
                s.QuotaShadow[exporter] = centre * QuotaGrid[G - 1];
                return;
            }
            // the grid segment where total demand falls through the quota; linear in the rent within it
            int j = 0;
            double hi = q0, lo = GridTotal(s, 1);
            while (lo > quota) { j++; hi = lo; lo = GridTotal(s, j + 1); }
            double t = hi > lo ? (hi - quota) / (hi - lo) : 0;
            for (int mat = 0; mat < m.M; mat++)
            {
                double a = s.QuotaGridDemand[mat * G + j], b = s.QuotaGridDemand[mat * G + j + 1];
                s.QuotaPlan[mat] = a + t * (b - a);
            }
            s.QuotaShadow[exporter] = centre * (QuotaGrid[j] + t * (QuotaGrid[j + 1] - QuotaGrid[j]));
            return;
        }
    }

    /// <summary>Region 1's import demand (t REO) for each covered material at each rent of the grid around <paramref name="centre"/>.</summary>
    static void EvaluateQuotaGrid(WorldState s, int exporter, double centre)
    {
        var m = s.Model;
        int G = QuotaGridPoints;
        Array.Clear(s.QuotaGridDemand);
        ResetSplits(s);
        for (int mat = 0; mat < m.M; mat++)
        {
            double reo = m.ReoContent[mat];
            if (!s.QuotaCovers[exporter * m.M + mat] || reo <= 0) continue;
            BuildBuyers(s, mat);
            BuildSellers(s, mat);
            double linked = s.Expected[mat * 2] * (1 + s.Duty[exporter * m.M + mat]);
            for (int g = 0; g < G; g++)
                s.QuotaGridDemand[mat * G + g] = Math.Max(0, Excess(s, mat, 1, linked + centre * QuotaGrid[g] * reo)) * reo;
        }
    }

    static double GridTotal(WorldState s, int g)
    {
        double sum = 0;
        for (int mat = 0; mat < s.Model.M; mat++) sum += s.QuotaGridDemand[mat * QuotaGridPoints + g];
        return sum;
    }

    /// <summary>A first guess of the rent when the quota starts to bind: a quarter of the cheapest covered material's expected outside price per kg REO.</summary>
    static double FirstRentGuess(WorldState s, int exporter)
    {
        var m = s.Model;
        double guess = double.PositiveInfinity;
        for (int mat = 0; mat < m.M; mat++)
            if (s.QuotaCovers[exporter * m.M + mat] && m.ReoContent[mat] > 0)
                guess = Math.Min(guess, s.Expected[mat * 2 + 1] / m.ReoContent[mat]);
        return double.IsPositiveInfinity(guess) ? 1 : Math.Max(1e-6, 0.25 * guess);
    }

    /// <summary>This month's part of the exporter's quota for a covered material, in tonnes of that material (<see cref="PlanQuota"/>).</summary>
    static double QuotaCap(WorldState s, int mat, int exporter)
    {
        var m = s.Model;
        if (exporter < 0 || !s.QuotaCovers[exporter * m.M + mat] || double.IsPositiveInfinity(s.QuotaMonth[exporter]) || m.ReoContent[mat] <= 0)
            return double.PositiveInfinity;
        return s.QuotaPlan[mat] / m.ReoContent[mat];
    }
}
