namespace RareEarth.Reporting;

/// <summary>
/// One line on a time chart: monthly values from a start month (NaN: no value that month, drawn as a gap), with an
/// optional band around them. <paramref name="Markers"/> marks every month with a non-zero value, so that events of
/// one or two months stay visible on a long axis.
/// </summary>
public sealed record ChartSeries(string Label, double[] Values, bool Dashed = false, double[]? Low = null, double[]? High = null, double[]? Low2 = null, double[]? High2 = null, int? ColorIndex = null, bool Markers = false);

/// <summary>One panel of a chart made of small multiples: its own title and lines, on the chart's shared axes.</summary>
public sealed record TimePanel(string Title, IReadOnlyList<ChartSeries> Series);

/// <summary>A time chart: title, y-axis label and its lines, with months as dates on the x axis.</summary>
public sealed record TimeChart(string FileStem, string Title, string YLabel, int StartYear, int StartMonth, IReadOnlyList<ChartSeries> Series, double? ReferenceLine = null, string? Note = null)
{
    /// <summary>The month (index from the start) of the scenario's shock, marked by a vertical line; null when there is none.</summary>
    public int? ShockMonth { get; init; }

    /// <summary>When set, the y axis ends here (values above leave the chart); the title says so.</summary>
    public double? YMax { get; init; }

    /// <summary>When set, only these months (first, last; indices from the start) are shown.</summary>
    public (int From, int To)? Window { get; init; }

    /// <summary>When set, the chart is drawn as these small multiples (sharing both axes) instead of <see cref="Series"/>.</summary>
    public IReadOnlyList<TimePanel>? Panels { get; init; }

    /// <summary>The month index <paramref name="t"/> as a date.</summary>
    public DateTime Date(int t) => new DateTime(StartYear, StartMonth, 1).AddMonths(t);
}
