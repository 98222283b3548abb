using System.Diagnostics;

namespace RareEarth.Tests.Cli;

/// <summary>Runs the real command line (the built rareearth.dll of src/RareEarth.Cli) as a separate process.</summary>
public static class CliProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "rareearth.dll");

    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestPaths.Root };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("CLI did not finish in 120 s"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "rareearth-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }
}
