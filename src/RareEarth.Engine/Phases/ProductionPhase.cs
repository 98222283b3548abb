namespace RareEarth.Engine.Phases;

/// <summary>
/// Phase 3: firms bring new capacity on line, choose utilisation from their expected margin and
/// their output stock, and produce what their input stocks allow. Unreported (illegal) mines run on price and
/// enforcement instead (<see cref="UnreportedShare"/>); speculative stockholders produce nothing.
/// </summary>
public static class ProductionPhase
{
    public static void Apply(WorldState s)
    {
        var m = s.Model;
        int M = m.M, months = m.Months + 1;
        int monthsLeft = 13 - m.CalendarMonth(s.Month);
        for (int f = 0; f < m.F; f++)
        {
            if (s.Exited[f]) { s.Activity[f] = s.Planned[f] = s.Utilisation[f] = 0; continue; } // a failed firm's projects go nowhere
            s.Capacity[f] += s.Pipeline[f * months + s.Month];
            if (IsStockholder(m, f)) { s.Activity[f] = s.Planned[f] = s.Utilisation[f] = s.Margin[f] = 0; continue; }
            var proc = m.Processes[m.FirmProcess[f]];
            int c = m.FirmCountry[f];
            bool unreported = IsUnreported(m, f);

            s.Margin[f] = MarginRatio(s, f, proc, c, useLongRun: false);
            double target = unreported ? UnreportedShare(s, f, proc, c) : UtilisationFor(s, s.Margin[f]);
            // a plant does not swing from a third to full load and back from one month to the next: it moves part of the
            // way (partial adjustment over utilisation_adjust_months), which also keeps an input's price and its users'
            // output from chasing each other month by month (a cobweb) when a market is cut off
            s.Utilisation[f] = s.Month == 0 ? target : s.Utilisation[f] + (target - s.Utilisation[f]) / m.Behaviour.UtilisationAdjustMonths;
            double planned = s.Utilisation[f] * s.Capacity[f] / 12.0;

            // output stock: cut back when the main output piles up beyond its cover
            int main = MainOutput(s, proc, c);
            if (main >= 0 && planned > 0)
            {
                double monthlyOut = s.Capacity[f] / 12.0 * proc.Outputs[main];
                double cover = m.MaxOutputCover[main] * monthlyOut;
                if (cover > 0) planned *= Math.Clamp(2.0 - s.Inventory[f * M + main] / cover, 0, 1);
            }

            // production quota of the firm's country for this process (spread over the rest of the year)
            int pq = c * m.P + m.FirmProcess[f];
            if (!unreported && !double.IsPositiveInfinity(s.ProductionQuota[pq]))
            {
                double shareOfCountry = ShareOfCountryCapacity(s, f);
                double left = Math.Max(0, s.ProductionQuota[pq] - s.ProductionUsed[pq]) / monthsLeft;
                planned = Math.Min(planned, left * shareOfCountry);
            }

            // inputs limit what can be made; recyclers can only recycle the scrap their country has
            double actual = planned;
            if (proc.IsRecycling) actual = Math.Min(actual, s.Scrap[c]);
            foreach (int mat in proc.InputMaterials)
            {
                double coef = InputCoefficient(s, f, proc, mat);
                if (coef <= 0) continue;
                actual = Math.Min(actual, s.Inventory[f * M + mat] / coef);
            }
            actual = Math.Max(0, actual);
            if (proc.IsRecycling) s.Scrap[c] -= actual;
            s.Activity[f] = actual;
            s.Planned[f] = planned;
            if (!unreported) s.ProductionUsed[pq] += actual;

            double cnIn = 0, massIn = 0;
            foreach (int mat in proc.InputMaterials)
            {
                double coef = InputCoefficient(s, f, proc, mat);
                if (coef <= 0) continue;
                double need = planned * coef, use = actual * coef;
                int fi = f * M + mat;
                s.Inventory[fi] = Math.Max(0, s.Inventory[fi] - use);
                s.InputUse[c * M + mat] += use;
                s.Demand[c * M + mat] += need;
                s.Shortage[c * M + mat] += Math.Max(0, need - use);
                cnIn += use * s.InventoryCn[fi];
                massIn += use;
            }
            double cnOut = m.CountryRegion[c] == 0 ? 1.0 : (massIn > 0 ? cnIn / massIn : 0.0);
            foreach (int mat in proc.OutputMaterials)
            {
                double q = actual * proc.Outputs[mat];
                if (q <= 0) continue;
                int fi = f * M + mat;
                MixInto(ref s.Inventory[fi], ref s.InventoryCn[fi], q, cnOut);
                if (proc.IsRecycling) s.Recycled[c * M + mat] += q; else s.Production[c * M + mat] += q;
                // manufacturing swarf, collected for the country's recyclers
                if (!proc.IsRecycling && m.IsMagnet(mat)) s.Scrap[c] += q * m.MagnetSwarf;
                // surplus co-product beyond its cover is discarded (an explicit, recorded loss)
                double limit = Math.Max(m.MaxOutputCover[mat], 1) * s.Capacity[f] / 12.0 * proc.Outputs[mat] * 2.0;
                if (s.Inventory[fi] > limit)
                {
                    s.Losses[c * M + mat] += s.Inventory[fi] - limit;
                    s.Inventory[fi] = limit;
                }
            }
        }
    }

    /// <summary>Tonnes of input <paramref name="mat"/> per unit of activity, after thrifting and the firm's grade choice.</summary>
    internal static double InputCoefficient(WorldState s, int f, ProcessSpec proc, int mat)
    {
        double coef = proc.Inputs[mat];
        if (coef > 0 && proc.Thriftable[mat]) coef *= (1 - s.Thrift[f]) * s.Grade[f * s.Model.M + mat];
        return coef;
    }

    /// <summary>
    /// Utilisation the firm chooses from its expected margin: the minimum at a margin of -30%,
    /// full at +10% and above. Price floors that cover the firm count as its expected price.
    /// </summary>
    internal static double UtilisationFor(WorldState s, double margin)
    {
        double x = Math.Clamp((margin + 0.3) / 0.4, 0, 1);
        double smooth = x * x * (3 - 2 * x);
        double minU = s.Model.Behaviour.MinUtilisation;
        return minU + (1 - minU) * smooth;
    }

    /// <summary>Whether firm f is a speculative stockholder (it holds a material; it makes nothing).</summary>
    public static bool IsStockholder(Model m, int f) => f < m.FirmHeldMaterial.Length && m.FirmHeldMaterial[f] >= 0;

    /// <summary>Whether firm f is an unreported (illegal) mine.</summary>
    public static bool IsUnreported(Model m, int f) => f < m.FirmUnreportedElasticity.Length && !double.IsNaN(m.FirmUnreportedElasticity[f]);

    /// <summary>
    /// Share of an unreported mine's potential output (its capacity) it produces: what enforcement leaves,
    /// (1 − enforcement), times its starting share u₀ scaled by the expected price of its output against the
    /// reference, (p̂/p_ref)^η, at most 1. Its cost does not enter: illegal diggers answer to price and to the
    /// risk of being shut down, not to a margin over a declared cost.
    /// </summary>
    internal static double UnreportedShare(WorldState s, int f, ProcessSpec proc, int c)
    {
        var m = s.Model;
        double value = 0, refValue = 0;
        foreach (int mat in proc.OutputMaterials)
        {
            value += proc.Outputs[mat] * s.ExpectedCountry[mat * m.C + c];
            refValue += proc.Outputs[mat] * m.RefPrice[mat];
        }
        double rel = refValue > 0 ? value / refValue : 1;
        double share = m.FirmInitialUtilisation[f] * Math.Pow(Math.Max(rel, 0), m.FirmUnreportedElasticity[f]);
        return Math.Clamp(share, 0, 1) * (1 - Math.Clamp(s.Enforcement[f], 0, 1));
    }

    /// <summary>
    /// (expected revenue - expected cost) / expected cost per unit of activity, at the firm's full unit cost, at the
    /// prices expected in its country's market (c).
    /// </summary>
    internal static double MarginRatio(WorldState s, int f, ProcessSpec proc, int c, bool useLongRun) =>
        MarginRatio(s, f, proc, c, useLongRun, s.Model.FirmUnitCost[f]);

    /// <summary>The margin ratio at the firm's cash cost (unit cost without its capital charge).</summary>
    internal static double CashMarginRatio(WorldState s, int f, ProcessSpec proc, int c, bool useLongRun) =>
        MarginRatio(s, f, proc, c, useLongRun, CashCost(s.Model, f));

    /// <summary>Cash cost of firm f, USD/kg of activity (its unit cost when none is stated).</summary>
    internal static double CashCost(Model m, int f) => f < m.FirmCashCost.Length ? m.FirmCashCost[f] : m.FirmUnitCost[f];

    static double MarginRatio(WorldState s, int f, ProcessSpec proc, int c, bool useLongRun, double unitCost)
    {
        var m = s.Model;
        var prices = useLongRun ? s.ExpectedLongCountry : s.ExpectedCountry;
        double revenue = 0, cost = unitCost;
        foreach (int mat in proc.OutputMaterials) revenue += proc.Outputs[mat] * Math.Max(prices[mat * m.C + c], FloorFor(s, f, mat));
        foreach (int mat in proc.InputMaterials)
        {
            double coef = InputCoefficient(s, f, proc, mat);
            if (coef > 0) cost += coef * prices[mat * m.C + c];
        }
        return (revenue - cost) / Math.Max(cost, 1e-9);
    }

    /// <summary>The price floor a government guarantees this firm for this material this month (0 if none).</summary>
    internal static double FloorFor(WorldState s, int f, int mat)
    {
        var m = s.Model;
        double floor = 0;
        for (int i = 0; i < m.FloorFirm.Length; i++)
            if (m.FloorFirm[i] == f && m.FloorMaterial[i] == mat && s.Month >= m.FloorStart[i] && s.Month < m.FloorEnd[i] &&
                (!s.Counterfactual || m.KeepsFloor(i)))
                floor = Math.Max(floor, m.FloorPrice[i]);
        return floor;
    }

    /// <summary>The output with the largest expected value per unit of activity.</summary>
    internal static int MainOutput(WorldState s, ProcessSpec proc, int c)
    {
        int best = -1; double bestValue = 0;
        foreach (int mat in proc.OutputMaterials) // a material it does not make has no value (0 is never above bestValue)
        {
            double v = proc.Outputs[mat] * s.ExpectedCountry[mat * s.Model.C + c];
            if (v > bestValue) { bestValue = v; best = mat; }
        }
        return best;
    }

    static double ShareOfCountryCapacity(WorldState s, int f)
    {
        var m = s.Model;
        double total = 0;
        for (int g = 0; g < m.F; g++)
            if (m.FirmCountry[g] == m.FirmCountry[f] && m.FirmProcess[g] == m.FirmProcess[f] && !IsUnreported(m, g)) total += s.Capacity[g];
        return total > 0 ? s.Capacity[f] / total : 0;
    }

    /// <summary>Adds <paramref name="q"/> tonnes with region-0 content share <paramref name="cn"/> to a stock.</summary>
    internal static void MixInto(ref double stock, ref double stockCn, double q, double cn)
    {
        double total = stock + q;
        if (total > 0) stockCn = (stock * stockCn + q * cn) / total;
        stock = total;
    }
}
