using RareEarth.Fuzzing;
using SharpFuzz;

// AFL++ harness (docs/fuzzing.md): `afl-fuzz ... -- dotnet RareEarth.Fuzz.dll` feeds inputs through SharpFuzz.
// `dotnet RareEarth.Fuzz.dll --replay FILE|DIR...` runs saved inputs (a crash or a corpus) without AFL.
if (args.Length > 0 && args[0] == "--replay")
{
    int failed = 0;
    foreach (var file in args[1..].SelectMany<string, string>(a => Directory.Exists(a) ? Directory.GetFiles(a).Order(StringComparer.Ordinal) : new[] { a }))
    {
        try
        {
            int errors = FuzzTarget.Run(File.ReadAllBytes(file));
            Console.WriteLine($"ok    {file}: {(errors == 0 ? "compiled" : $"{errors} error(s)")}");
        }
        catch (Exception e) { failed++; Console.WriteLine($"CRASH {file}: {e}"); }
    }
    return failed == 0 ? 0 : 1;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    FuzzTarget.Run(buffer.ToArray());
});
return 0;
