namespace RareEarth.Reporting;

/// <summary>One line on a time chart: monthly values from a start month, with an optional band around them.</summary>
public sealed record ChartSeries(string Label, double[] Values, bool Dashed = false, double[]? Low = null, double[]? High = null, double[]? Low2 = null, double[]? High2 = null, int? ColorIndex = null);

/// <summary>A time chart: title, y-axis label and its lines, with months as dates on the x axis.</summary>
public sealed record TimeChart(string FileStem, string Title, string YLabel, int StartYear, int StartMonth, IReadOnlyList<ChartSeries> Series, double? ReferenceLine = null, string? Note = null);
