using System.Diagnostics;

namespace RareEarth.Tests.Cli;

/// <summary>The command line as a whole: help, parse errors, option texts, and the safety net that keeps stack traces from the user.</summary>
public class CommandLineTests
{
    /// <summary>Every command the tool has, as its --help lists them (help itself aside).</summary>
    public static IReadOnlyList<string> Commands { get; } = ListedCommands();

    static List<string> ListedCommands()
    {
        var (_, stdout, _) = CliProcess.Run("--help");
        var lines = stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int at = lines.FindIndex(l => l.StartsWith("Commands:", StringComparison.Ordinal));
        var names = lines.Skip(at + 1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal))
            .Select(l => l.Trim().Split(' ')[0]).Where(n => n.Length > 0 && n != "help").ToList();
        Assert.True(names.Count >= 11, "--help lists " + string.Join(", ", names));
        return names;
    }

    [Fact]
    public void TheToolsDescriptionNamesEveryCommand()
    {
        var (exit, stdout, _) = CliProcess.Run("--help");
        Assert.Equal(0, exit);
        var description = stdout[..stdout.IndexOf("Usage:", StringComparison.Ordinal)];
        foreach (var c in Commands) Assert.Contains(c, description);
    }

    [Fact]
    public void HelpIsACommand()
    {
        var (exit, stdout, stderr) = CliProcess.Run("help");
        Assert.True(exit == 0, stderr);
        foreach (var c in Commands) Assert.Contains($"  {c} ", stdout);

        (exit, stdout, stderr) = CliProcess.Run("help", "sweep");
        Assert.True(exit == 0, stderr);
        Assert.Contains("rareearth sweep <scenario> [options]", stdout);

        (exit, _, stderr) = CliProcess.Run("help", "swep");
        Assert.Equal(2, exit);
        Assert.StartsWith("error: no command 'swep'", stderr);
    }

    [Fact]
    public void OptionTextsSayWhatEachCommandDoes()
    {
        var run = CliProcess.Run("run", "--help").Out;
        Assert.DoesNotContain("batch", run);                      // the seed of a run, not "or master seed of a batch"
        var sweep = CliProcess.Run("sweep", "--help").Out;
        Assert.DoesNotContain("<design>", sweep);
        Assert.Contains("-sweep-seed<S>.duckdb", sweep);
        var batch = CliProcess.Run("batch", "--help").Out;
        Assert.Contains("Master seed", batch);
        Assert.DoesNotContain("(default: number of cores)", batch);
    }

    [Fact]
    public void ParseErrorsAreOneLineEachWithExitCode2()
    {
        var (exit, stdout, stderr) = CliProcess.Run("run");
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Equal("usage: rareearth run --help", lines[^1]);
        Assert.DoesNotContain("Description:", stderr);
    }

    [Fact]
    public void ThreadsOutsideTheRunnersRangeAreRefused()
    {
        var (exit, stdout, stderr) = CliProcess.Run("batch", TestPaths.Fixture("small-world.yaml"), "--runs", "2", "--threads", "1000",
            "--out", Path.Combine(CliProcess.TempDir(), "b.duckdb"));
        Assert.Equal(2, exit);
        Assert.DoesNotContain("1000 threads", stdout);
        Assert.Contains("--threads must be 1 to 256, found 1000", stderr);
    }

    [Fact]
    public void AnUnexpectedIoErrorIsOneLineAndExitCode1()
    {
        var dir = CliProcess.TempDir();
        var file = Path.Combine(dir, "a-file");
        File.WriteAllText(file, "not a folder");
        string[] args = { "history", TestPaths.Scenario("japan-2010.yaml"), "--data", Path.Combine(TestPaths.Root, "docs", "sources", "history-2010.csv"), "--out", file };
        var (exit, _, stderr) = CliProcess.Run(args);
        Assert.True(exit is 1 or 2, stderr);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Equal("not a folder", File.ReadAllText(file));

        // the stack trace only on request
        var (debugExit, debugErr) = RunWithEnvironment(args, ("RAREEARTH_DEBUG", "1"));
        Assert.Equal(exit, debugExit);
        if (exit == 1) Assert.Contains("   at ", debugErr);
    }

    [Fact]
    public void TheWorldWithoutItsEventsRuns()
    {
        // README and docs/scenarios.md: the uncertain approval rate of the first event goes with the events
        var outDir = Path.Combine(CliProcess.TempDir(), "out");
        var (exit, stdout, stderr) = CliProcess.Run("run", TestPaths.Scenario("controls-2025.yaml"), "--set", "events=[]", "--set", "end=2025-12",
            "--out", outDir, "--no-charts");
        Assert.True(exit == 0, stderr);
        Assert.Contains("note: --set fixes events.0.approval", stderr);
        Assert.Contains("Chinese export controls 2025", stdout);
        Assert.DoesNotContain("events.0.approval", File.ReadAllText(Path.Combine(outDir, "scenario.resolved.yaml")));

        // events given again: their values are the ones set, so the approval is fixed as well
        (exit, _, stderr) = CliProcess.Run("validate", TestPaths.Scenario("controls-2025.yaml"),
            "--set", "events=[{month: 2025-04, type: export_regime, country: CN, materials: [dy_oxide], to: all, regime: licence, approval: 0.3}]");
        Assert.True(exit == 0, stderr);
        Assert.Contains("note: --set fixes events.0.approval", stderr);
    }

    static (int Exit, string Err) RunWithEnvironment(string[] args, (string Name, string Value) env)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestPaths.Root };
        psi.ArgumentList.Add(CliProcess.Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment[env.Name] = env.Value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("CLI did not finish in 120 s"); }
        _ = stdout.Result;
        return (p.ExitCode, stderr.Result);
    }
}
