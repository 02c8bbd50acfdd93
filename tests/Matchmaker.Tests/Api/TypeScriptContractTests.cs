using System.Diagnostics;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Api;

/// <summary>
/// The TypeScript route for vendors: openapi-typescript makes types from docs/openapi.json, and code written against them
/// (Api/TypeScript/uses-the-contract.ts) compiles with tsc --strict; the same code with a wrong type does not, so the
/// check can fail. ./test.sh installs both tools (MATCHMAKER_OPENAPI_TYPESCRIPT, MATCHMAKER_TSC).
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
public sealed class TypeScriptContractTests
{
    private static string Source => Path.Combine(WebNode.RepositoryRoot(), "tests", "Matchmaker.Tests", "Api", "TypeScript", "uses-the-contract.ts");

    [Fact]
    public async Task CodeWrittenAgainstTheGeneratedTypes_Compiles()
    {
        var (exit, output) = await CompileAsync(await File.ReadAllTextAsync(Source));

        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task CodeThatGetsATypeWrong_DoesNotCompile()
    {
        var broken = (await File.ReadAllTextAsync(Source)).Replace("status: 409,", "status: \"409\",");

        var (exit, output) = await CompileAsync(broken);

        Assert.NotEqual(0, exit);
        Assert.Contains("uses-the-contract.ts", output);
    }

    private static async Task<(int Exit, string Output)> CompileAsync(string code)
    {
        var folder = Directory.CreateTempSubdirectory("matchmaker-ts-").FullName;
        try
        {
            var typesFile = Path.Combine(folder, "matchmaker.d.ts");
            var (typesExit, typesOutput) = await RunAsync(Tool("MATCHMAKER_OPENAPI_TYPESCRIPT"),
                Path.Combine(WebNode.RepositoryRoot(), "docs", "openapi.json"), "-o", typesFile);
            Assert.True(typesExit == 0 && File.Exists(typesFile), $"openapi-typescript failed: {typesOutput}");
            var codeFile = Path.Combine(folder, "uses-the-contract.ts");
            await File.WriteAllTextAsync(codeFile, code);
            return await RunAsync(Tool("MATCHMAKER_TSC"), "--noEmit", "--strict", "--target", "es2022", "--module", "esnext",
                "--moduleResolution", "bundler", codeFile);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Tool(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } path && File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{variable} does not name the tool; run the tests with ./test.sh, which installs it.");

    private static async Task<(int Exit, string Output)> RunAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
