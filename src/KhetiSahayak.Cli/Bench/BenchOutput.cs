using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using KhetiSahayak.Cli.Bench.Reports;
using Spectre.Console;

namespace KhetiSahayak.Cli.Bench;

/// <summary>Runs a scenario and prints its report: a table for people, or exactly one JSON object on stdout.</summary>
internal static class BenchOutput
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<int> RunAsync<T>(ParseResult parse, BenchOptions options, Func<BenchSettings, CancellationToken, Task<T>> run, CancellationToken cancellationToken)
        where T : BenchReport
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(run);
        var settings = options.Read(parse);
        var json = parse.GetValue(options.Json);
        if (settings.Store == BenchStore.Postgres && settings.PostgresConnectionString is null)
        {
            await Console.Error.WriteLineAsync($"error: --store postgres needs --postgres \"CONNECTION STRING\" or ${BenchSettings.PostgresEnvironmentVariable}");
            return 2;
        }

        T report;
        try
        {
            if (json)
            {
                report = await run(settings, cancellationToken);
            }
            else
            {
                report = await AnsiConsole.Status().StartAsync("starting", ctx => run(settings with { Status = new StatusProgress(ctx) }, cancellationToken));
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or HttpRequestException or System.Data.Common.DbException or TimeoutException
            or ArgumentException or KhetiSahayak.Sync.Protocol.SyncProtocolException or KhetiSahayak.Sync.Scopes.ScopeLoadException
            or Microsoft.Extensions.Options.OptionsValidationException or System.ComponentModel.DataAnnotations.ValidationException)
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message);
            return 1;
        }

        if (json)
        {
            await Console.Out.WriteLineAsync(Serialize(report));
        }
        else
        {
            Render(report);
        }

        return 0;
    }

    public static string Serialize(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonSerializer.Serialize(report, report.GetType(), JsonOptions);
    }

    private static void Render(BenchReport report)
    {
        var element = JsonSerializer.SerializeToElement(report, report.GetType(), JsonOptions);
        var table = new Table().Title($"kheti bench {Markup.Escape(report.Scenario)}").AddColumns("figure", "value");
        foreach (var (name, value) in Flatten(element, string.Empty))
        {
            table.AddRow(Markup.Escape(name), Markup.Escape(value));
        }

        AnsiConsole.Write(table);
        if (report.Checks.Count > 0)
        {
            var checks = new Table().Title("targets").AddColumns("check", "value", "target", "met");
            foreach (var c in report.Checks)
            {
                checks.AddRow(Markup.Escape(c.Name), Format(c.Value), Markup.Escape(c.Target), c.Met ? "[green]yes[/]" : "[red]no[/]");
            }

            AnsiConsole.Write(checks);
        }

        foreach (var note in report.Notes)
        {
            AnsiConsole.MarkupLineInterpolated($"[grey]- {note}[/]");
        }
    }

    private static IEnumerable<(string Name, string Value)> Flatten(JsonElement element, string prefix)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (prefix.Length == 0 && property.Name is "checks" or "notes")
            {
                continue;
            }

            var name = prefix + property.Name;
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var inner in Flatten(property.Value, name + "."))
                    {
                        yield return inner;
                    }

                    break;
                case JsonValueKind.Array:
                    yield return (name, string.Join(", ", property.Value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())));
                    break;
                case JsonValueKind.Number when name is "seed" || name.StartsWith("machine.", StringComparison.Ordinal):
                    yield return (name, property.Value.GetRawText());
                    break;
                case JsonValueKind.Number:
                    yield return (name, Format(property.Value.GetDouble()));
                    break;
                case JsonValueKind.Null:
                    yield return (name, "-");
                    break;
                default:
                    yield return (name, property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText());
                    break;
            }
        }
    }

    private static string Format(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? value.ToString("N0", CultureInfo.InvariantCulture)
            : value.ToString(Math.Abs(value) >= 100 ? "N1" : "0.###", CultureInfo.InvariantCulture);

    /// <summary>Shows each phase in the status line as it starts.</summary>
    private sealed class StatusProgress(StatusContext context) : IProgress<string>
    {
        public void Report(string value) => context.Status(Markup.Escape(value));
    }
}
