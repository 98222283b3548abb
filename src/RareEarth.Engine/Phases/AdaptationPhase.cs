namespace RareEarth.Engine.Phases;

/// <summary>
/// Phase 6: agents adapt. Price expectations follow prices; perceived risk decays and rises with
/// shortage and price jumps (raising stock targets: hoarding); firms invest on expected long-run
/// margin, delivered after a lead time with a ramp, and mothball, restart or fail (<see cref="CapacityDecisions"/>); R&amp;D stocks grow with high prices and, after a
/// requalification lag, thrift inputs and raise rare-earth-free adoption; controlling countries
/// relax licences when their export revenue collapses.
/// </summary>
public static class AdaptationPhase
{
    public static void Apply(WorldState s)
    {
        var m = s.Model;
        var b = m.Behaviour;
        int M = m.M, C = m.C;

        for (int k = 0; k < M * 2; k++)
        {
            s.Expected[k] += b.ExpectationAlpha * (s.Price[k] - s.Expected[k]);
            s.ExpectedLong[k] += b.LongExpectationAlpha * (s.Price[k] - s.ExpectedLong[k]);
            if (m.ShockMonth < 0 || s.Month < m.ShockMonth)
                s.BasePrice[k] += (s.Month == 0 ? 1.0 : 1.0 / 12.0) * (s.Price[k] - s.BasePrice[k]);
        }
        for (int k = 0; k < M * C; k++)
        {
            s.ExpectedCountry[k] += b.ExpectationAlpha * (s.CountryPrice[k] - s.ExpectedCountry[k]);
            s.ExpectedLongCountry[k] += b.LongExpectationAlpha * (s.CountryPrice[k] - s.ExpectedLongCountry[k]);
        }

        for (int c = 0; c < C; c++)
        {
            s.Risk[c] *= m.RiskDecay[c];
            double worstShortage = 0;
            for (int mat = 0; mat < M; mat++)
            {
                int k = c * M + mat;
                double share = s.Demand[k] > 0 ? s.Shortage[k] / s.Demand[k] : 0;
                s.LastShortageShare[k] = share;
                worstShortage = Math.Max(worstShortage, share);
                if (s.Acquired[k] > 1e-9)
                {
                    s.ChinaShare[k] = s.AcquiredFromCn[k] / s.Acquired[k];
                    s.ChinaShareEmbedded[k] = Math.Min(1, s.AcquiredCnEmbedded[k] / s.Acquired[k]);
                }
            }
            if (m.CountryRegion[c] == 1)
            {
                double jump = 0;
                for (int mat = 0; mat < M; mat++)
                {
                    double prev = s.PrevPrice[mat * 2 + 1];
                    if (prev > 0) jump = Math.Max(jump, s.Price[mat * 2 + 1] / prev - 1.2);
                }
                s.Risk[c] = Math.Min(1, s.Risk[c] + b.RiskOnShortage * worstShortage + b.RiskOnPriceJump * Math.Max(0, jump));
            }
        }

        CapacityDecisions.Apply(s);
        Invest(s);
        ResearchAndDevelopment(s);
        RelaxControls(s);
    }

    static void Invest(WorldState s)
    {
        var m = s.Model;
        var b = m.Behaviour;
        for (int f = 0; f < m.F; f++)
        {
            if (m.FirmMaxGrowth[f] <= 0 || s.Exited[f] || s.Mothballed[f] > 0) continue; // restart before building anew
            var proc = m.Processes[m.FirmProcess[f]];
            int c = m.FirmCountry[f];
            double margin = ProductionPhase.MarginRatio(s, f, proc, c, useLongRun: true);
            double subsidy = s.CapexSubsidy[c * m.P + m.FirmProcess[f]];
            double hurdle = m.FirmHurdle[f] * (1 - subsidy);
            // firms expand when they run near full (a firm with no capacity yet counts as full) and
            // (a) the expected margin clears their hurdle, or (b) they are profitable and short of room
            double utilisation = s.Capacity[f] > 0 ? s.Planned[f] * 12.0 / s.Capacity[f] : 1;
            double marginDrive = Math.Clamp((margin - hurdle) / b.InvestmentBand, 0, 1) * Math.Clamp((utilisation - 0.7) / 0.2, 0, 1);
            double roomDrive = margin > 0 && s.Capacity[f] > 0 ? Math.Clamp((utilisation - 0.85) / 0.1, 0, 1) : 0;
            double drive = Math.Max(marginDrive, roomDrive);
            if (drive <= 0) continue;
            double size = drive * m.FirmMaxGrowth[f] / 12.0 * Math.Max(s.Capacity[f], m.FirmMinProject[f]);
            EventsPhase.AddProject(s, f, size, s.Month + 1 + m.FirmLeadMonths[f], Math.Max(1, m.FirmRampMonths[f]));
        }
    }

    static void ResearchAndDevelopment(WorldState s)
    {
        var m = s.Model;
        for (int f = 0; f < m.F; f++)
        {
            var proc = m.Processes[m.FirmProcess[f]];
            ChooseGrade(s, f, proc);
            if (m.FirmMaxThrift[f] <= 0) continue;
            // R&D answers to the long-run cost of the thriftable inputs together (their price index), not to the dearest
            // alone: Tb above its reference while Dy is below it does not make a magnet's heavy rare earths dearer
            s.RndStock[f] += m.FirmRndRate[f] * Math.Max(0, GradeIndex(s, f, proc, s.ExpectedLongCountry) - 1);
            s.RndEffective[f] += (s.RndStock[f] - s.RndEffective[f]) / Math.Max(1, m.FirmRndLag[f]);
            s.Thrift[f] = m.FirmMaxThrift[f] * (1 - Math.Exp(-s.RndEffective[f] / Math.Max(1e-9, m.FirmRndHalf[f])));
        }
        for (int sec = 0; sec < m.S; sec++)
        {
            if (m.SectorSubstMax[sec] <= 0) continue;
            int c = m.SectorCountry[sec], mat = m.SectorMaterial[sec];
            double excess = Math.Max(0, s.ExpectedLongCountry[mat * m.C + c] / m.RefPrice[mat] - 1) + s.Risk[c];
            s.SubstStock[sec] += m.SectorSubstRate[sec] * excess;
            s.SubstEffective[sec] += (s.SubstStock[sec] - s.SubstEffective[sec]) / Math.Max(1, m.SectorSubstLag[sec]);
            s.SubstShare[sec] = m.SectorSubstMax[sec] * (1 - Math.Exp(-s.SubstEffective[sec] / Math.Max(1e-9, m.SectorSubstHalf[sec])));
        }
    }

    /// <summary>
    /// Price index of a firm's thriftable inputs against their reference prices, at its expectations in its own country's
    /// market (<paramref name="expected"/>: short- or long-run, [material, country]): the CES unit-cost index with the process's elasticity of substitution σ and weights = the inputs'
    /// shares of their cost in the recipe at reference prices (1 at reference prices; 1 for a process with none).
    /// </summary>
    internal static double GradeIndex(WorldState s, int f, ProcessSpec proc, double[] expected)
    {
        var m = s.Model;
        int c = m.FirmCountry[f];
        double sigma = proc.GradeSubstitution, weight = 0, sum = 0;
        bool logMean = Math.Abs(sigma - 1) < 1e-9;
        foreach (int mat in proc.InputMaterials)
        {
            if (!proc.Thriftable[mat]) continue;
            double w = proc.Inputs[mat] * m.RefPrice[mat];
            double x = Math.Max(expected[mat * m.C + c] / m.RefPrice[mat], 1e-6);
            weight += w;
            sum += logMean ? w * Math.Log(x) : w * Math.Pow(x, 1 - sigma);
        }
        if (weight <= 0) return 1;
        return logMean ? Math.Exp(sum / weight) : Math.Pow(sum / weight, 1 / (1 - sigma));
    }

    /// <summary>
    /// Grade choice (docs/model.md, "Grade choice"): each thriftable input's loading against the recipe moves towards the
    /// CES input demand at constant output, (x_i / index)^(−σ) · index^(−ε), x_i its short-run expected price over its
    /// reference: makers shift between Dy and Tb by their relative cost (σ) and load more of both when they are cheap,
    /// less when they are dear (ε). It gets there with a first-order lag of the firm's requalification time
    /// (<c>rnd.lag_months</c>, as thrifting): buyers qualify a magnet of another grade before it goes into their motors.
    /// 1 at reference prices, so the starting recipe is the world file's.
    /// </summary>
    static void ChooseGrade(WorldState s, int f, ProcessSpec proc)
    {
        if (proc.GradeSubstitution <= 0 && proc.GradeElasticity <= 0) return;
        var m = s.Model;
        int c = m.FirmCountry[f];
        double index = GradeIndex(s, f, proc, s.ExpectedCountry);
        double level = Math.Pow(index, -proc.GradeElasticity);
        foreach (int mat in proc.InputMaterials)
        {
            if (!proc.Thriftable[mat]) continue;
            double x = Math.Max(s.ExpectedCountry[mat * m.C + c] / m.RefPrice[mat], 1e-6);
            double target = Math.Pow(x / index, -proc.GradeSubstitution) * level;
            s.Grade[f * m.M + mat] += (target - s.Grade[f * m.M + mat]) / Math.Max(1, m.FirmRndLag[f]);
        }
    }

    /// <summary>
    /// Reaction rule: a country whose export revenue falls below a set share of its level before
    /// controls raises its licence approval rates step by step (while controls stay in force).
    /// </summary>
    static void RelaxControls(WorldState s)
    {
        var m = s.Model;
        int M = m.M, C = m.C;
        for (int c = 0; c < C; c++)
        {
            bool controlled = false;
            for (int k = c * M * C; k < (c + 1) * M * C; k++)
                if (s.Regime[k] == RegimeKind.Licence || s.Regime[k] == RegimeKind.Ban) { controlled = true; break; }
            if (!controlled)
            {
                s.ExportRevenueBase[c] += (s.ExportRevenueBase[c] == 0 ? 1.0 : 1.0 / 12.0) * (s.ExportRevenue[c] - s.ExportRevenueBase[c]);
                continue;
            }
            if (m.RelaxRevenueShare[c] <= 0 || s.ExportRevenue[c] >= m.RelaxRevenueShare[c] * s.ExportRevenueBase[c]) continue;
            for (int k = c * M * C; k < (c + 1) * M * C; k++)
                if (s.Regime[k] == RegimeKind.Licence) s.Approval[k] = Math.Min(1, s.Approval[k] + m.RelaxStep[c]);
        }
    }
}
