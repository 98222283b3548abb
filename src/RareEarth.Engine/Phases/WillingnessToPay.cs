namespace RareEarth.Engine.Phases;

/// <summary>
/// Willingness to pay (docs/model.md, "Willingness to pay"): how much of a buyer's bid survives a price above the
/// reference, from the rare-earth input's share of the cost of what the buyer makes. At relative price x = p / p_ref
/// the buyer's product costs k = 1 − σ + σ·x times its reference cost (σ: the input's cost share at reference prices),
/// so its product sells less by k^(−η) (η: the product's own price elasticity); the buyer also turns to other designs
/// and grades, x^(−e) (e: the short-run elasticity of substitution). The factor x^(−e) · k^(−η) falls slowly while the
/// input is a small share of cost and steeply once it dominates it, and has no ceiling: the scarcer the supply, the
/// higher the price that clears it. An optional hard ceiling (<c>choke_multiple</c>) multiplies it.
/// </summary>
public static class WillingnessToPay
{
    /// <summary>A stockpile: no cost share; its bid falls off towards its price cap (<see cref="MarketPhase.ChokeFactor"/> from 0).</summary>
    public const double Stockpile = -1;

    /// <summary>End-use sector <paramref name="sec"/>: cost share and product elasticity from the world data.</summary>
    public static void ForSector(WorldState s, int n, int sec)
    {
        var m = s.Model;
        s.BuyerCostShare[n] = m.SectorCostShare[sec];
        s.BuyerProductElasticity[n] = m.SectorProductElasticity[sec];
        // no user pays more for a kg than the value added its shortage would destroy (loss_per_tonne)
        double loss = m.SectorLossPerTonne[sec] / 1000;
        s.BuyerReservation[n] = loss > 0 ? loss : double.PositiveInfinity;
    }

    /// <summary>
    /// Firm <paramref name="f"/> buying <paramref name="mat"/> at <paramref name="coef"/> t per unit of activity: the cost share
    /// is the input's value over the value of the process's outputs at reference prices (e.g. Dy oxide in a magnet, 2024:
    /// 0.0105 × 260 / 49 = 5.6%; NdPr 40%; light concentrate in separation 39%). The product's elasticity is
    /// <c>behaviour.firm_product_elasticity</c>: the firm's buyers turn to other suppliers and grades when its costs rise.
    /// </summary>
    public static void ForFirm(WorldState s, int n, ProcessSpec proc, int mat, double coef)
    {
        var m = s.Model;
        double atRef = m.ProcessValueAtRef(m.FirmProcess[s.BuyerIndex[n]]);
        s.BuyerCostShare[n] = atRef > 0 ? Math.Min(1, coef * m.RefPrice[mat] / atRef) : 0;
        s.BuyerProductElasticity[n] = m.Behaviour.FirmProductElasticity;
        // derived demand: no firm pays more for a kg of input than the expected value of the output it makes
        // (a bound, it ignores the other inputs and the processing cost)
        int c = m.FirmCountry[s.BuyerIndex[n]];
        double output = 0;
        foreach (int o in proc.OutputMaterials) output += proc.Outputs[o] * s.ExpectedCountry[o * m.C + c];
        s.BuyerReservation[n] = coef > 0 && output > 0 ? output / coef : double.PositiveInfinity;
    }

    /// <summary>Share of buyer i's bid that survives price p (1 at or below the reference price).</summary>
    public static double Factor(WorldState s, int i, double p)
    {
        var m = s.Model;
        if (p >= s.BuyerReservation[i]) return 0;
        double eta = s.BuyerProductElasticity[i];
        if (eta < 0) return MarketPhase.ChokeFactor(m, p, 0, s.BuyerChoke[i]);
        double reference = s.BuyerChokeRef[i];
        double ceiling = MarketPhase.ChokeFactor(m, p, reference, s.BuyerChoke[i]);
        if (p <= reference || ceiling <= 0) return ceiling;
        // most buyers of a material share its reference price, and a market evaluates its buyers at one price per region
        // (both regions in one pass): ln(p / reference) is kept for the last two (price, reference) pairs, computed once
        double logX;
        if (p == s.WtpPrice && reference == s.WtpReference) logX = s.WtpLogX;
        else if (p == s.WtpPrice2 && reference == s.WtpReference2) logX = s.WtpLogX2;
        else
        {
            (s.WtpPrice2, s.WtpReference2, s.WtpLogX2) = (s.WtpPrice, s.WtpReference, s.WtpLogX);
            (s.WtpPrice, s.WtpReference) = (p, reference);
            logX = s.WtpLogX = Math.Log(p / reference);
        }
        return ceiling * Curve(p / reference, logX, s.BuyerCostShare[i], eta, m.Behaviour.SubstitutionElasticity);
    }

    /// <summary>
    /// x^(−e) · (1 − σ + σ·x)^(−η) for a price x times the reference (1 at or below it): the share of demand left when an
    /// input with cost share σ costs x times its reference, its product's elasticity is η and the substitution elasticity e.
    /// </summary>
    public static double Curve(double x, double share, double eta, double e) => x <= 1 ? 1 : Curve(x, Math.Log(x), share, eta, e);

    /// <summary>As above with ln x already known.</summary>
    static double Curve(double x, double logX, double share, double eta, double e)
    {
        if (x <= 1) return 1;
        double k = 1 - share + share * x;
        return Math.Exp(-eta * Math.Log(k) - e * logX);
    }
}
