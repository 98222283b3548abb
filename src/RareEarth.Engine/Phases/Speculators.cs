namespace RareEarth.Engine.Phases;

/// <summary>
/// Speculative stockholders (docs/model.md, "Speculative stockholders"): agents that hold one material and buy and
/// sell it in the market by their own rule, not to use it. They are compiled as firms of a hold process (they make
/// nothing); <see cref="MarketPhase"/> asks this class for their bid and offer each month.
/// <list type="bullet">
/// <item><b>Trader</b>: extrapolates the trend of its expectations, p_H = p̂ + (p̂ − p̄) (short-run above long-run
/// means rising), and buys up to <c>rate</c> t a month while the expected return p_H/p − 1 beats the carry cost over
/// its 6-month horizon (<c>carry</c> × 6/12), paying at most p_H/(1 + carry cost). It sells into a spike (p̂ above
/// <c>sell_above</c> × p̄, asking that level) or when the trend turns down by more than the carry cost (asking p̄).</item>
/// <item><b>Reserve</b> (a state reserve): buys up to <c>rate</c> t a month while the expected price p̂ is below
/// <c>buy_below</c> × its long-run expectation p̄ (prices low against what it has come to expect), paying at most that;
/// releases up to <c>rate</c> t a month while p̂ is above <c>sell_above</c> × p̄, asking that level (China's State Reserve
/// Bureau bought in 2012 and 2014-2016 after prices had fallen from their 2011 peak).</item>
/// </list>
/// Neither holds more than its capacity (t). Allocates nothing.
/// </summary>
public static class Speculators
{
    /// <summary>Months over which a trader judges a position.</summary>
    public const double HorizonMonths = 6;

    /// <summary>
    /// This month's bid of stockholder f for material mat: tonnes wanted at the expected price and the highest price it
    /// pays. Returns false when it does not buy.
    /// </summary>
    public static bool Bid(WorldState s, int f, int mat, out double tonnes, out double limit)
    {
        var m = s.Model;
        tonnes = 0; limit = 0;
        if (m.FirmHeldMaterial[f] != mat) return false;
        int k = mat * 2 + m.CountryRegion[m.FirmCountry[f]];
        double room = s.Capacity[f] - s.Inventory[f * m.M + mat];
        if (room <= 1e-9) return false;
        double pe = s.Expected[k];
        if (m.FirmStockRule[f] == StockRule.Reserve)
        {
            limit = m.StockBuyBelow[f] * s.ExpectedLong[k];
            if (pe >= limit) return false;
            tonnes = Math.Min(room, m.StockRate[f]);
            return tonnes > 0;
        }
        double carry = m.StockCarry[f] * HorizonMonths / 12.0;
        double future = s.Expected[k] + (s.Expected[k] - s.ExpectedLong[k]);
        double gain = future / Math.Max(s.Price[k], 1e-12) - 1;
        if (gain <= carry) return false;
        tonnes = Math.Min(room, m.StockRate[f] * Math.Clamp((gain - carry) / Math.Max(carry, 1e-9), 0, 1));
        limit = future / (1 + carry);
        return tonnes > 1e-9 && limit > 0;
    }

    /// <summary>
    /// This month's offer of stockholder f: tonnes it offers and its ask. Returns false when it does not sell.
    /// </summary>
    public static bool Offer(WorldState s, int f, int mat, out double tonnes, out double ask)
    {
        var m = s.Model;
        tonnes = 0; ask = 0;
        if (m.FirmHeldMaterial[f] != mat) return false;
        int k = mat * 2 + m.CountryRegion[m.FirmCountry[f]];
        double stock = s.Inventory[f * m.M + mat];
        if (stock <= 1e-9) return false;
        double pe = s.Expected[k], longRun = s.ExpectedLong[k];
        if (m.FirmStockRule[f] == StockRule.Reserve)
        {
            ask = m.StockSellAbove[f] * longRun;
            if (pe <= ask) return false;
        }
        else
        {
            double carry = m.StockCarry[f] * HorizonMonths / 12.0;
            double future = pe + (pe - longRun);
            if (pe > m.StockSellAbove[f] * longRun) ask = m.StockSellAbove[f] * longRun;   // sell into the spike
            else if (future / Math.Max(s.Price[k], 1e-12) - 1 < -carry) ask = longRun;    // the trend has turned
            else return false;
        }
        ask = Math.Max(ask, Math.Max(m.MinPrice[mat], m.HandlingCost[mat]));
        tonnes = Math.Min(stock, m.StockRate[f]);
        return tonnes > 0;
    }
}
