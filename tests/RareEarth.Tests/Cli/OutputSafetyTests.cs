using System.Diagnostics;
using System.Text.Json.Nodes;
using RareEarth.Runner.Output;

namespace RareEarth.Tests.Cli;

/// <summary>
/// Output folders (issue 7, item 1 and the output paths of item 6): nothing the tool did not write is ever deleted,
/// a previous result is replaced whole, a kill leaves the old or the new result and its staging is cleaned up, and
/// every unusable path is one line on stderr with exit code 2 (1 for a write that fails).
/// </summary>
public class OutputSafetyTests
{
    static string World => TestPaths.Fixture("small-world.yaml");

    internal static (int Exit, string Out, string Err) Cli(string cwd, params string[] args) => CliProcess.RunIn(cwd, args);

    /// <summary>Every file under a folder with its content, to check that nothing changed.</summary>
    internal static SortedDictionary<string, string> Snapshot(string dir) =>
        new(Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => File.Exists(f) ? File.ReadAllText(f) : "<dir>"), StringComparer.Ordinal);

    internal static void OneLineError(string stderr, string contains)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, stderr);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(contains, lines[0]);
        Assert.DoesNotContain("   at ", stderr);
    }

    static string[] Hidden(string dir) => Directory.GetFileSystemEntries(dir, ".*").Select(Path.GetFileName).ToArray()!;

    [Fact]
    public void AFolderWithTheUsersFilesIsRefusedAndKept()
    {
        var cwd = CliProcess.TempDir();
        var mydata = Directory.CreateDirectory(Path.Combine(cwd, "mydata")).FullName;
        File.WriteAllText(Path.Combine(mydata, "thesis.txt"), "draft");
        var before = Snapshot(cwd);
        var (exit, _, err) = Cli(cwd, "run", World, "--out", "mydata", "--no-charts");
        Assert.Equal(2, exit);
        OneLineError(err, "thesis.txt");
        Assert.Equal(before, Snapshot(cwd));
    }

    [Fact]
    public void ForceWritesOnlyTheToolsFilesAndKeepsEveryOther()
    {
        var cwd = CliProcess.TempDir();
        var mydata = Directory.CreateDirectory(Path.Combine(cwd, "mydata")).FullName;
        File.WriteAllText(Path.Combine(mydata, "thesis.txt"), "draft");
        Directory.CreateDirectory(Path.Combine(mydata, "charts"));
        File.WriteAllText(Path.Combine(mydata, "charts", "mine.png"), "my figure");
        var (exit, _, err) = Cli(cwd, "run", World, "--out", "mydata", "--force", "--seed", "3");
        Assert.True(exit == 0, err);
        Assert.Equal("draft", File.ReadAllText(Path.Combine(mydata, "thesis.txt")));
        Assert.Equal("my figure", File.ReadAllText(Path.Combine(mydata, "charts", "mine.png")));
        Assert.True(File.Exists(Path.Combine(mydata, "charts", "prices.png")));
        // again, without charts: the tool's old charts go (run.json listed them), the user's stay
        (exit, _, err) = Cli(cwd, "run", World, "--out", "mydata", "--force", "--seed", "4", "--no-charts");
        Assert.True(exit == 0, err);
        Assert.Equal("draft", File.ReadAllText(Path.Combine(mydata, "thesis.txt")));
        Assert.Equal(new[] { "mine.png" }, Directory.GetFiles(Path.Combine(mydata, "charts")).Select(Path.GetFileName));
        Assert.Contains("\"seed\": 4", File.ReadAllText(Path.Combine(mydata, "run.json")));
        Assert.Empty(Hidden(cwd));
        Assert.Empty(Hidden(mydata));
    }

    [Fact]
    public void APreviousResultIsReplacedWholeAndAFolderOfOtherResultsIsNot()
    {
        var cwd = CliProcess.TempDir();
        Assert.Equal(0, Cli(cwd, "run", World, "--out", "results/a", "--seed", "1").Exit);
        var (exit, _, err) = Cli(cwd, "run", World, "--out", "results/a/", "--seed", "2", "--no-charts"); // trailing slash: the same folder
        Assert.True(exit == 0, err);
        var a = Path.Combine(cwd, "results", "a");
        Assert.Contains("\"seed\": 2", File.ReadAllText(Path.Combine(a, "run.json")));
        Assert.False(Directory.Exists(Path.Combine(a, "charts")));    // the new result alone, not mixed with the old one
        Assert.Empty(Hidden(Path.Combine(cwd, "results")));
        Assert.Empty(Hidden(a));
        // "results" holds a result, but is not one: refused
        var before = Snapshot(cwd);
        (exit, _, err) = Cli(cwd, "run", World, "--out", "results", "--no-charts");
        Assert.Equal(2, exit);
        OneLineError(err, "--out results");
        Assert.Equal(before, Snapshot(cwd));
        // an empty folder is used as it is
        Directory.CreateDirectory(Path.Combine(cwd, "empty"));
        Assert.Equal(0, Cli(cwd, "run", World, "--out", "empty", "--no-charts").Exit);
        Assert.True(File.Exists(Path.Combine(cwd, "empty", "timeseries.csv")));
    }

    [Fact]
    public void AResultTheUserAddedAFileToIsNotReplaced()
    {
        var cwd = CliProcess.TempDir();
        Assert.Equal(0, Cli(cwd, "run", World, "--out", "r", "--no-charts").Exit);
        File.WriteAllText(Path.Combine(cwd, "r", "notes.md"), "mine");
        var before = Snapshot(cwd);
        var (exit, _, err) = Cli(cwd, "run", World, "--out", "r", "--no-charts", "--seed", "5");
        Assert.Equal(2, exit);
        OneLineError(err, "notes.md");
        Assert.Equal(before, Snapshot(cwd));
    }

    [Theory]
    [InlineData(".", "current folder")]
    [InlineData("..", "current folder")]
    [InlineData("/", "root")]
    [InlineData("file.txt", "is a file")]
    [InlineData("file.txt/sub", "is a file")]
    public void AnUnusablePathIsOneLineAndTouchesNothing(string outDir, string message)
    {
        var top = CliProcess.TempDir();
        var cwd = Directory.CreateDirectory(Path.Combine(top, "work")).FullName;
        File.WriteAllText(Path.Combine(cwd, "file.txt"), "keep");
        File.WriteAllText(Path.Combine(top, "sibling.txt"), "keep");
        var before = Snapshot(top);
        var (exit, _, err) = Cli(cwd, "run", World, "--out", outDir, "--no-charts");
        Assert.Equal(2, exit);
        OneLineError(err, message);
        Assert.Equal(before, Snapshot(top));
    }

    [Fact]
    public void LeftoversOfAKilledRunAreCleanedUpOrRestored()
    {
        var cwd = CliProcess.TempDir();
        // a staging folder of a dead writer (marker present, no lock held), a legacy one, and one of a live writer
        var dead = Directory.CreateDirectory(Path.Combine(cwd, ".r.rareearth-staging-999999")).FullName;
        File.WriteAllText(Path.Combine(dead, OutputFolder.MarkerFile), "");
        File.WriteAllText(Path.Combine(dead, "timeseries.csv"), "half");
        var legacy = Directory.CreateDirectory(Path.Combine(cwd, ".r.partial-4242", "charts")).Parent!.FullName;
        File.WriteAllText(Path.Combine(legacy, "timeseries.csv"), "half");
        File.WriteAllText(Path.Combine(legacy, "charts", "prices.png"), "half");
        var live = Directory.CreateDirectory(Path.Combine(cwd, ".r.rareearth-staging-999998")).FullName;
        var foreign = Directory.CreateDirectory(Path.Combine(cwd, ".r.partial-77")).FullName; // not ours: a user's file
        File.WriteAllText(Path.Combine(foreign, "thesis.txt"), "mine");
        using (new FileStream(Path.Combine(live, OutputFolder.MarkerFile), FileMode.Create, FileAccess.ReadWrite, FileShare.None))
        {
            var (exit, _, err) = Cli(cwd, "run", World, "--out", "r", "--no-charts");
            Assert.True(exit == 0, err);
        }
        Assert.False(Directory.Exists(dead));
        Assert.False(Directory.Exists(legacy));
        Assert.True(Directory.Exists(live));
        Assert.True(File.Exists(Path.Combine(foreign, "thesis.txt")));

        // killed between its two renames: the old result sits in a backup and the folder is missing -> restored
        var backup = Path.Combine(cwd, ".r.rareearth-old-999997");
        Directory.Move(Path.Combine(cwd, "r"), backup);
        OutputFolder.Recover(Path.Combine(cwd, "r"));
        Assert.True(File.Exists(Path.Combine(cwd, "r", "run.json")));
        Assert.False(Directory.Exists(backup));
        // killed after them: both the new result and the old backup exist -> the backup goes
        CopyDir(Path.Combine(cwd, "r"), backup);
        var (exit2, _, err2) = Cli(cwd, "run", World, "--out", "r", "--no-charts", "--seed", "8");
        Assert.True(exit2 == 0, err2);
        Assert.False(Directory.Exists(backup));
        Assert.Contains("\"seed\": 8", File.ReadAllText(Path.Combine(cwd, "r", "run.json")));
    }

    static void CopyDir(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.GetDirectories(from)) CopyDir(d, Path.Combine(to, Path.GetFileName(d)));
    }

    [Fact]
    public void AKillAtAnyMomentLeavesTheOldOrTheNewResultAndNoStaging()
    {
        var cwd = CliProcess.TempDir();
        Assert.Equal(0, Cli(cwd, "run", World, "--out", "r", "--seed", "1").Exit);
        foreach (int ms in new[] { 700, 1100, 1500 })
        {
            var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { CliProcess.Dll, "run", World, "--out", "r", "--seed", ms.ToString() }) psi.ArgumentList.Add(a);
            using (var p = Process.Start(psi)!)
            {
                Thread.Sleep(ms);
                try { p.Kill(); } catch (InvalidOperationException) { }
                p.WaitForExit();
            }
            var run = JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, "r", "run.json")))!;
            foreach (var f in run["files"]!.AsArray()) Assert.True(File.Exists(Path.Combine(cwd, "r", (string)f!)), (string?)f);
        }
        var (exit, _, err) = Cli(cwd, "run", World, "--out", "r", "--no-charts", "--seed", "2");
        Assert.True(exit == 0, err);
        Assert.Empty(Hidden(cwd));
        Assert.Empty(Hidden(Path.Combine(cwd, "r")));
    }

    [Fact]
    public void AFailedWriteLeavesThePreviousResultAndNoStaging()
    {
        var dir = Path.Combine(CliProcess.TempDir(), "r");
        var compiled = RareEarth.Scenarios.ScenarioCompiler.LoadAndCompile(World, Array.Empty<string>());
        var rec = RareEarth.Runner.SingleRun.Execute(compiled, 1);
        var summary = SummaryBuilder.Build(rec, compiled.Name, 1, compiled.Document.Hash());
        RunOutput.Write(dir, compiled, 1, rec, summary);
        var before = Snapshot(dir);
        // the disk fills while the charts are written
        Assert.Throws<IOException>(() => RunOutput.Write(dir, compiled, 2, rec, summary, staging =>
        {
            File.WriteAllText(Path.Combine(staging, "half.png"), "x");
            throw new IOException("No space left on device");
        }));
        Assert.Equal(before, Snapshot(dir));
        Assert.Empty(Hidden(Path.GetDirectoryName(dir)!));
    }

    /// <summary>A tiny or read-only file system where the test may mount one (as root); elsewhere these tests have nothing to check.</summary>
    static string? Mount(string options)
    {
        var dir = CliProcess.TempDir();
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root") return null;
        using var p = Process.Start(new ProcessStartInfo("mount", $"-t tmpfs -o {options} tmpfs {dir}") { RedirectStandardError = true })!;
        p.WaitForExit();
        return p.ExitCode == 0 ? dir : null;
    }

    static void Unmount(string dir) => Process.Start("umount", dir)!.WaitForExit();

    [Fact]
    public void AFullDiskIsOneLineWithExitOneAndKeepsThePreviousResult()
    {
        if (Mount("size=128k") is not { } disk) return;
        try
        {
            var (exit, _, err) = Cli(disk, "run", World, "--out", "r", "--no-charts");
            Assert.Equal(1, exit);
            OneLineError(err, "cannot write r");
            Assert.Empty(Directory.GetFileSystemEntries(disk));
        }
        finally { Unmount(disk); }
    }

    [Fact]
    public void AReadOnlyFolderIsOneLineAndUntouched()
    {
        if (Mount("ro,size=64k") is not { } ro) return;
        try
        {
            var cwd = CliProcess.TempDir();
            var (exit, _, err) = Cli(cwd, "run", World, "--out", Path.Combine(ro, "r"), "--no-charts");
            Assert.Equal(1, exit);
            OneLineError(err, "cannot write");
        }
        finally { Unmount(ro); }
    }

    [Theory]
    [InlineData("/etc", "is a folder")]
    [InlineData("/dev/zero", "not a regular file")]
    public void HistoryDataThatIsNotAFileIsOneLine(string data, string message)
    {
        var cwd = CliProcess.TempDir();
        var (exit, _, err) = Cli(cwd, "history", World, "--data", data, "--out", "h");
        Assert.Equal(2, exit);
        OneLineError(err, message);
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
    }

    [Fact]
    public void HistoryAndReportDoNotWriteAmongTheUsersFiles()
    {
        var cwd = CliProcess.TempDir();
        var data = Path.Combine(cwd, "h.csv");
        File.WriteAllText(data, "month,metric,material,country,partner,value,unit,use,source\n2021-01,price,oxide,ROW,,50,USD/kg,validation,test\n");
        var mine = Directory.CreateDirectory(Path.Combine(cwd, "mine")).FullName;
        File.WriteAllText(Path.Combine(mine, "history.md"), "my notes");
        var before = Snapshot(cwd);
        var (exit, _, err) = Cli(cwd, "history", World, "--data", data, "--out", "mine");
        Assert.Equal(2, exit);
        OneLineError(err, "history.md");
        Assert.Equal(before, Snapshot(cwd));
        // a new folder, then the same again: replaced
        Assert.Equal(0, Cli(cwd, "history", World, "--data", data, "--out", "h").Exit);
        (exit, _, err) = Cli(cwd, "history", World, "--data", data, "--out", "h", "--seed", "2");
        Assert.True(exit == 0, err);
        Assert.Contains("\"seed\": 2", File.ReadAllText(Path.Combine(cwd, "h", "history.json")));
        Assert.Empty(Hidden(cwd));
    }
}
