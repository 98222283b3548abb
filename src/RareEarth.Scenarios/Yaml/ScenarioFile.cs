using System.Buffers;
using System.Text.Unicode;

namespace RareEarth.Scenarios.Yaml;

/// <summary>
/// The text of a scenario file, or why it cannot be had. <see cref="Line"/> is 0 for a problem with the file
/// as a whole (its kind, its size, reading it) and the position of the first bad byte for a problem in its text.
/// </summary>
internal readonly record struct FileText(string? Text, string? Problem, int Line = 0, int Column = 0);

/// <summary>
/// Reads scenario files safely. The file's kind and size are checked before it is opened: folders, devices
/// (/dev/zero, /dev/urandom), pipes and sockets are never opened (they report a size of 0, as an empty file does),
/// links are followed to the file they name, and nothing larger than <see cref="ScenarioLimits.MaxFileBytes"/> is
/// read. The bytes must be UTF-8 (a BOM is allowed).
/// </summary>
internal static class ScenarioFile
{
    /// <summary>The file a path names after following links, or null if nothing is there.</summary>
    public static string? Resolve(string fullPath)
    {
        var info = new FileInfo(fullPath);
        if (info.LinkTarget is null) return info.Exists || Directory.Exists(fullPath) ? fullPath : null;
        try
        {
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            return target is not null && (File.Exists(target.FullName) || Directory.Exists(target.FullName)) ? target.FullName : null;
        }
        catch (IOException) { return null; } // a loop of links
    }

    /// <summary>Why <paramref name="realPath"/> (a resolved, existing path) is not a readable scenario file, or null.</summary>
    public static string? CheckKind(string realPath)
    {
        if (Directory.Exists(realPath)) return "is a folder, not a file";
        long length;
        try { length = new FileInfo(realPath).Length; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "cannot be read: " + e.Message; }
        if (length == 0) return "is empty or not a regular file (a device, pipe or socket); expected YAML text";
        if (length > ScenarioLimits.MaxFileBytes) return TooLarge(length);
        return null;
    }

    static string TooLarge(long length) =>
        $"is {length:N0} bytes; the limit for a scenario file is 1 MiB ({ScenarioLimits.MaxFileBytes:N0} bytes)";

    /// <summary>Reads and decodes a file that passed <see cref="CheckKind"/>, never more than the size limit.</summary>
    public static FileText Read(string realPath)
    {
        byte[] bytes;
        try
        {
            using var fs = new FileStream(realPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
            var buffer = new byte[ScenarioLimits.MaxFileBytes + 1];
            int total = 0, n;
            while (total < buffer.Length && (n = fs.Read(buffer, total, buffer.Length - total)) > 0) total += n;
            if (total > ScenarioLimits.MaxFileBytes) return new FileText(null, TooLarge(total));
            bytes = buffer[..total];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new FileText(null, "cannot be read: " + e.Message);
        }
        return Decode(bytes);
    }

    static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF], Utf16LeBom = [0xFF, 0xFE], Utf16BeBom = [0xFE, 0xFF];

    /// <summary>UTF-8 bytes to text; the first invalid byte is reported at its line and column.</summary>
    public static FileText Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > ScenarioLimits.MaxFileBytes) return new FileText(null, TooLarge(bytes.Length));
        if (bytes.StartsWith(Utf8Bom)) bytes = bytes[3..];
        else if (bytes.StartsWith(Utf16LeBom) || bytes.StartsWith(Utf16BeBom))
            return new FileText(null, "is UTF-16 text; save it as UTF-8", 1, 1);
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(bytes.Length, 1));
        try
        {
            var status = Utf8.ToUtf16(bytes, chars, out int read, out int written, replaceInvalidSequences: false);
            if (status == OperationStatus.Done) return new FileText(new string(chars, 0, written), null);
            var before = chars.AsSpan(0, written);
            int line = before.Count('\n') + 1;
            int column = written - (before.LastIndexOf('\n') + 1) + 1;
            return new FileText(null, $"is not UTF-8 text (byte 0x{bytes[read]:X2} here); save it as UTF-8", line, column);
        }
        finally { ArrayPool<char>.Shared.Return(chars); }
    }
}
