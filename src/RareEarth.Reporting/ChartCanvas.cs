using ScottPlot;
using SkiaSharp;

namespace RareEarth.Reporting;

/// <summary>Writes charts to PNG and SVG: a single plot, or a titled grid of small multiples.</summary>
public static class ChartCanvas
{
    public const int Width = 1000, Height = 560;
    const int TitleHeight = 44;

    /// <summary>Writes &lt;stem&gt;.png and &lt;stem&gt;.svg of one plot into <paramref name="dir"/>; returns the PNG path.</summary>
    public static string Save(Plot plt, string dir, string stem, int width = Width, int height = Height)
    {
        Directory.CreateDirectory(dir);
        var png = Path.Combine(dir, stem + ".png");
        plt.SavePng(png, width, height);
        plt.SaveSvg(Path.Combine(dir, stem + ".svg"), width, height);
        return png;
    }

    /// <summary>The grid (rows, columns) for <paramref name="n"/> small multiples: one column up to four, then two or three.</summary>
    public static (int Rows, int Columns) Grid(int n)
    {
        int cols = n <= 4 ? 1 : n <= 8 ? 2 : 3;
        return ((n + cols - 1) / cols, cols);
    }

    /// <summary>
    /// Writes a grid of plots under one title (the chart's title, drawn in the shipped font) as &lt;stem&gt;.png and
    /// .svg; returns the PNG path. The image grows with the number of rows.
    /// </summary>
    public static string SaveGrid(string title, IReadOnlyList<Plot> plots, string dir, string stem, int panelHeight)
    {
        var (rows, cols) = Grid(plots.Count);
        int height = TitleHeight + rows * panelHeight;
        Directory.CreateDirectory(dir);
        var png = Path.Combine(dir, stem + ".png");
        using (var surface = SKSurface.Create(new SKImageInfo(Width, height)))
        {
            Draw(surface.Canvas, title, plots, rows, cols, height);
            using var image = surface.Snapshot();
            using var data = image.Encode(SKEncodedImageFormat.Png, 100);
            using var file = File.Create(png);
            data.SaveTo(file);
        }
        using (var file = File.Create(Path.Combine(dir, stem + ".svg")))
        {
            using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, height), file))
                Draw(canvas, title, plots, rows, cols, height);
        }
        return png;
    }

    internal static void Draw(SKCanvas canvas, string title, IReadOnlyList<Plot> plots, int rows, int cols, int height)
    {
        canvas.Clear(SKColors.White);
        var mp = new Multiplot(plots[0]);
        foreach (var p in plots.Skip(1)) mp.AddPlot(p);
        mp.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, cols);
        // the grid layout places its first row at the canvas top whatever the rectangle: shift the canvas instead
        canvas.Save();
        canvas.Translate(0, TitleHeight);
        mp.Render(canvas, new PixelRect(0, Width, height - TitleHeight, 0));
        canvas.Restore();
        // the title last: rendering the plots paints their whole area
        using var font = new SKFont(ChartFonts.Typeface(bold: true), 17);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        float w = font.MeasureText(title);
        canvas.DrawText(title, Math.Max(8, (Width - w) / 2), TitleHeight - 16, SKTextAlign.Left, font, paint);
    }
}
