using System.Diagnostics;
using System.Globalization;
using KhetiSahayak.Advisories.Import;
using KhetiSahayak.Advisories.Reference;
using KhetiSahayak.Cli.Bench.Reports;

namespace KhetiSahayak.Cli.Bench.Scenarios;

/// <summary>
/// The advisory importer (src/KhetiSahayak.Advisories) on the same load as the raw paths: a JSON file of advisories in
/// the source format, each with a hi-IN and an en-IN text, imported into the server store with LGD and crop
/// validation. The file is written before the clock starts; reading and parsing it is part of the import.
/// </summary>
internal static class AdvisoryImportRun
{
    public static async Task<(RateFigures? Rate, string Status)> RunAsync(BenchEnvironment env, int translations, string? lgdDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(env);
        var directory = lgdDirectory ?? FindLgd(Directory.GetCurrentDirectory()) ?? FindLgd(AppContext.BaseDirectory);
        if (directory is null)
        {
            return (null, "not measured: the LGD directory (shared/data/lgd with districts.csv) was not found; pass --lgd DIR");
        }

        var lgd = await LgdDirectory.LoadAsync(directory, cancellationToken);
        var options = new AdvisoryImportOptions();
        var importer = new AdvisoryImporter(env.Store, env.Scopes.Catalog, lgd, CropCatalog.LoadDefault(), TimeProvider.System, options);
        var path = Path.Combine(env.WorkDirectory, "advisories.json");
        await using (var file = File.Create(path))
        {
            env.Data.WriteAdvisorySource(file, (translations + 1) / 2, BenchData.District, stream: 1);
        }

        await using var input = File.OpenRead(path);
        var started = Stopwatch.GetTimestamp();
        var summary = await importer.ImportAsync(input, AdvisoryInputFormat.Json, null, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var status = string.Create(CultureInfo.InvariantCulture, $"measured: {summary.Inserted} advisories inserted, {summary.TranslationsWritten} translations written, {summary.Rejected} rejected, {summary.Errors} errors");
        if (summary.Issues.Count > 0)
        {
            status += "; first issue: " + summary.Issues[0].Code + " " + summary.Issues[0].Message;
        }

        var method = string.Create(CultureInfo.InvariantCulture, $"AdvisoryImporter: JSON source, {options.BatchSize} advisories a write session; rows = translations ({summary.Inserted} advisory rows written besides)");
        return (RateFigures.Of(method, summary.TranslationsWritten, elapsed), status);
    }

    private static string? FindLgd(string start)
    {
        for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(d.FullName, "shared", "data", "lgd"), Path.Combine(d.FullName, "data", "lgd") })
            {
                if (File.Exists(Path.Combine(candidate, "districts.csv")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
