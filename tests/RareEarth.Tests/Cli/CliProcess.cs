using System.Diagnostics;

namespace RareEarth.Tests.Cli;

/// <summary>Runs the real command line (the built rareearth.dll of src/RareEarth.Cli) as a separate process.</summary>
public static class CliProcess
{
    /// <summary>The CLI under test (RAREEARTH_DLL may name another build, e.g. to see a test fail on old code).</summary>
    public static string Dll => Environment.GetEnvironmentVariable("RAREEARTH_DLL") ?? Path.Combine(AppContext.BaseDirectory, "rareearth.dll");

    public static (int Exit, string Out, string Err) Run(params string[] args) => RunIn(TestPaths.Root, args);

    /// <summary>The CLI run from the folder <paramref name="cwd"/>.</summary>
    public static (int Exit, string Out, string Err) RunIn(string cwd, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = cwd };
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
