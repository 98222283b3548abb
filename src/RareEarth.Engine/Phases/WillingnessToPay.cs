namespace RareEarth.Engine.Phases;

/// <summary>
/// Willingness to pay (docs/model.md, "Willingness to pay"): how much of a buyer's bid survives a price above the
/// reference, from the rare-earth input's share of the cost of what the buyer makes. At relative price x = p / p_ref
/// the buyer's product costs k = 1 − σ + σ·x times its reference cost (σ: the input's cost share at reference prices),
/// so its product sells less by (P / k)^η (η: the product's own price elasticity; P ≥ 1: the product's long-run expected
/// price over its reference, which lets a firm pass a rise through); the buyer also turns to other designs and grades,
/// x^(−e) (e: the short-run elasticity of substitution). The factor is x^(−e) · min(1, P / k)^η: demand falls slowly
/// while the input is a small share of cost and steeply once it dominates it. An optional hard ceiling
/// (<c>choke_multiple</c>) multiplies it.
/// </summary>
public static class WillingnessToPay
{
    /// <summary>A stockpile: no cost share; its bid falls off towards its price cap (<see cref="MarketPhase.ChokeFactor"/> from 0).</summary>
    public const double Stockpile = -1;

    /// <summary>End-use sector <paramref name="sec"/>: cost share and product elasticity from the world data; its product's price is not modelled (P = 1).</summary>
    public static void ForSector(WorldState s, int n, int sec)
    {
        var m = s.Model;
        s.BuyerCostShare[n] = m.SectorCostShare[sec];
        s.BuyerProductElasticity[n] = m.SectorProductElasticity[sec];
        s.BuyerProductPrice[n] = 1;
    }

    /// <summary>
    /// Firm <paramref name="f"/> buying <paramref name="mat"/> at <paramref name="coef"/> t per unit of activity: the cost share
    /// is the input's value over the value of the process's outputs at reference prices (e.g. Dy oxide in a magnet, 2024:
    /// 0.0105 × 260 / 49 = 5.6%); P is the value of the outputs at the firm's long-run expected prices over their reference value.
    /// </summary>
    public static void ForFirm(WorldState s, int n, int f, ProcessSpec proc, int mat, double coef, int region)
    {
        var m = s.Model;
        double atRef = 0, expected = 0;
        for (int o = 0; o < m.M; o++)
        {
            double q = proc.Outputs[o];
            if (q <= 0) continue;
            atRef += q * m.RefPrice[o];
            expected += q * s.ExpectedLong[o * 2 + region];
        }
        s.BuyerCostShare[n] = atRef > 0 ? Math.Min(1, coef * m.RefPrice[mat] / atRef) : 0;
        s.BuyerProductElasticity[n] = m.Behaviour.FirmProductElasticity;
        s.BuyerProductPrice[n] = atRef > 0 ? Math.Max(1, expected / atRef) : 1;
    }

    /// <summary>Share of buyer i's bid that survives price p (1 at or below the reference price).</summary>
    public static double Factor(WorldState s, int i, double p)
    {
        var m = s.Model;
        double eta = s.BuyerProductElasticity[i];
        if (eta < 0) return MarketPhase.ChokeFactor(m, p, 0, s.BuyerChoke[i]);
        double reference = s.BuyerChokeRef[i];
        double ceiling = MarketPhase.ChokeFactor(m, p, reference, s.BuyerChoke[i]);
        if (p <= reference || ceiling <= 0) return ceiling;
        double x = p / reference, share = s.BuyerCostShare[i];
        double k = 1 - share + share * x;
        double product = Math.Min(0, Math.Log(s.BuyerProductPrice[i] / k));
        return ceiling * Math.Exp(eta * product - m.Behaviour.SubstitutionElasticity * Math.Log(x));
    }
}
