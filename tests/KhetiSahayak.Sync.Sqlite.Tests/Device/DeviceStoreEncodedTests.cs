using System.Text;
using System.Text.Json;
using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Sqlite.Device;
using KhetiSahayak.Testing;
using NUnit.Framework;
using static KhetiSahayak.Testing.SyncHarness;

namespace KhetiSahayak.Sync.Sqlite.Tests.Device;

/// <summary>
/// Pull pages applied from the answer's UTF-8 JSON store exactly what the same pages decoded into
/// <see cref="PullResponse"/> store: the same text, integers and reals, the same versions, guards and errors.
/// </summary>
[TestFixture]
public sealed class DeviceStoreEncodedTests : DeviceStoreFixture
{
    private const string AdvisoryColumns = """["advisory_id","version","source_type","issuing_office","bulletin_ref","category","severity","imd_colour","season","crop_codes","stage_codes","pest_disease_code","district_codes","block_codes","recommended_inputs","issued_at","valid_from","valid_to","status","primary_lang"]""";

    [Test]
    public async Task ApplyPullPageAsync_AwkwardValues_StoresTheSameAsTheDecodedPage()
    {
        var longText = string.Concat(Enumerable.Repeat("किसान \"खेत\"\n\\ field ", 9_000));
        var rows = new[]
        {
            // Stored forms as they are: lower-case UUIDs, canonical timestamps, plain JSON, Devanagari as UTF-8.
            $$"""[1,"0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9a0b",3,"KVK","कृषि विज्ञान केंद्र",null,"pest","warning",null,"kharif",["SOYBEAN"],[],"X",["524","525"],[],null,"2026-06-15T04:30:00.123456Z","0001-01-01T00:00:00.000000Z","9999-12-31T23:59:59.999999Z","published","hi-IN"]""",
            // Forms the decoder rewrites: upper-case and braced UUIDs, offsets, 7 fraction digits, no fraction,
            // JSON with spaces, escapes and non-ASCII, escaped and \u-escaped text, an empty string, a long string.
            $$"""[2,"0197A6F0-1C2D-7E3F-8A4B-5C6D7E8F9A0C",-9223372036854775808,"","line\nbreak \"q\" \u0915\u093F tab\t",{{JsonSerializer.Serialize(longText)}},"a\/b","\u0041",null,"kharif",[ "SOYBEAN" ,"COTTON"],{"a":1, "b":[true,null]},null,["कपास"],["x\"y"],[{"dose":50.0}],"2026-06-15T10:00:00+05:30","2026-06-15T04:30:00.1234567Z","2026-06-15T04:30:00Z","published","en-IN"]""",
            $$"""[3,"{0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9a0d}",9223372036854775807,"KVK",null,null,"pest","info",null,null,{},[],null,[],[],null,"2024-02-29T00:00:00.000000Z","2026-06-15T04:30:00.5+00:00","2026-06-15T04:30:00.000000-01:00","draft","mr-IN"]""",
        };
        var page = Page(hasMore: false, cursor: "c1", Table("advisory", AdvisoryColumns, rows, "[]"),
            Table("soil_test", """["soil_test_id","farmer_id","plot_id","source","shc_number","sampled_on","tested_on","ph","ec_ds_m","oc_pct","ratings","is_locked"]""",
            [
                """[5,"0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9a10","0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9a11",null,"lab","SHC/1","2024-02-29","2026-01-01",7,0.000125,-1.5e3,{"n":"low"},true]""",
                """[6,"0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9a12","0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9a11",null,"lab",null,null,null,6.25,1E2,0,null,false]""",
            ], "[]"));

        var (decoded, encoded) = await ApplyBothWaysAsync(page);

        Assert.Multiple(() =>
        {
            Assert.That(encoded.Counts, Is.EqualTo(decoded.Counts));
            Assert.That(encoded.Counts, Is.EqualTo((5, 0)));
            Assert.That(encoded.Rows, Is.EqualTo(decoded.Rows));
            Assert.That(encoded.Rows, Has.Some.Contains("'" + longText + "'"), "the long text is stored whole");
        });
    }

    [Test]
    public async Task ApplyPullPageAsync_ColumnsTheDeviceLacksOrTheServerSkipped_IgnoresTheOnesAndLeavesTheOthersNull()
    {
        var page = Page(hasMore: false, cursor: "c1",
            Table("not_a_table_here", """["x"]""", ["""[1,{"anything":[1,2]}]"""], """["k"]"""),
            Table("advisory_translation", """["translation_id","from_a_newer_server","lang","title","body","status"]""",
                ["""[4,"0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9a20",{"unknown":"column"},"hi-IN","शीर्षक","","published"]"""], "[]"));

        var (decoded, encoded) = await ApplyBothWaysAsync(page);

        Assert.Multiple(() =>
        {
            Assert.That(encoded.Counts, Is.EqualTo((1, 0)));
            Assert.That(encoded.Rows, Is.EqualTo(decoded.Rows));
            Assert.That(encoded.Rows.Single(), Does.Contain("'शीर्षक'|''|NULL|NULL"), "the empty body is '', not NULL; columns not sent stay NULL");
        });
    }

    [Test]
    public async Task ApplyPullPageAsync_RowsBeforeTheirTableAndColumns_AppliesThemAllTheSame()
    {
        var id = "0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9a30";
        var json = $$"""{"hasMore":false,"changes":[{"rows":[[2,"{{id}}","hi-IN","t","b","published"]],"deletes":[],"columns":["translation_id","lang","title","body","status"],"table":"advisory_translation"}],"cursor":"c9"}""";
        await using var device = await OpenAsync("device.db");

        var counts = await device.ApplyPullPageAsync(new EncodedPullPage(Encoding.UTF8.GetBytes(json), "c9", hasMore: false), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(counts, Is.EqualTo((1, 0)));
            Assert.That(await DeviceScalarAsync(device, "SELECT _ks_version FROM advisory_translation WHERE translation_id = @id", ("@id", id)), Is.EqualTo(2));
            Assert.That(await device.GetCursorAsync(CancellationToken.None), Is.EqualTo("c9"));
        });
    }

    [Test]
    public async Task ApplyPullPageAsync_RowWithAPendingLocalEdit_LeavesTheRowAndItsDeleteToThePush()
    {
        await using var device = await OpenAsync("device.db");
        var (kept, edited, gone) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await DeviceInsertPlotAsync(device, edited, kept, 1.0);
        await DeviceInsertPlotAsync(device, gone, kept, 2.0);
        var columns = """["plot_id","farmer_id","local_name","area_value","area_unit","area_ha"]""";

        var counts = await device.ApplyPullPageAsync(Encoded(Page(hasMore: false, cursor: "c1", Table("farm_plot", columns,
            [$$"""[7,"{{edited}}","{{kept}}","server",9.0,"acre",3.6]""", $$"""[7,"{{kept}}","{{kept}}","new",1.0,"acre",0.4]"""], $$"""["{{gone}}"]"""))), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(counts, Is.EqualTo((1, 0)), "only the row without a local edit");
            Assert.That(await DeviceScalarAsync(device, "SELECT local_name FROM farm_plot WHERE plot_id = @id", ("@id", edited)), Is.EqualTo("plot"));
            Assert.That(await DeviceScalarAsync(device, "SELECT COUNT(*) FROM farm_plot WHERE plot_id = @id", ("@id", gone)), Is.EqualTo(1));
            Assert.That(await DeviceScalarAsync(device, "SELECT _ks_version FROM farm_plot WHERE plot_id = @id", ("@id", kept)), Is.EqualTo(7));
            Assert.That(await device.CountPendingAsync(CancellationToken.None), Is.EqualTo(2), "sync's own write is not a local change");
        });
    }

    [Test]
    public async Task ApplyPullPageAsync_DeletesAndAReplacement_SameRowsAndCountsAsTheDecodedPages()
    {
        var ids = Enumerable.Range(0, 4).Select(i => $"0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9b0{i}").ToArray();
        var columns = """["translation_id","lang","title","body","status"]""";
        string Row(int i, long version) => $$"""[{{version}},"{{ids[i]}}","hi-IN","t{{i}}","b","published"]""";
        var first = Page(hasMore: false, cursor: "c1", Table("advisory_translation", columns, [Row(0, 1), Row(1, 1), Row(2, 1), Row(3, 1)], "[]"));
        var second = Page(hasMore: false, cursor: "c2", Table("advisory_translation", columns, [Row(1, 2)], $$"""["{{ids[0]}}","not-there"]"""));

        // The replacement brings rows 1 and 2 back over two pages; row 3 is gone from the server's view at its end.
        var replacement1 = Page(hasMore: true, cursor: "r1", Table("advisory_translation", columns, [Row(1, 3)], "[]"));
        var replacement2 = Page(hasMore: false, cursor: "r2", Table("advisory_translation", columns, [Row(2, 3)], "[]"));

        var (decoded, encoded) = await ApplyBothWaysAsync(first, second, null, replacement1, replacement2);

        Assert.Multiple(() =>
        {
            Assert.That(encoded.Counts, Is.EqualTo(decoded.Counts));
            Assert.That(encoded.Rows, Is.EqualTo(decoded.Rows));
            Assert.That(encoded.Rows, Has.Count.EqualTo(2));
            Assert.That(encoded.Rows, Has.All.StartsWith("3|"), "both rows came back in the replacement");
            Assert.That(encoded.Cursor, Is.EqualTo("r2"));
        });
    }

    [Test]
    public async Task ApplyPullPageAsync_InvalidPages_ThrowInvalidResponseAndKeepNothing()
    {
        var id = "0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9a40";
        var good = $$"""[1,"{{id}}","hi-IN","t","b","published"]""";
        var columns = """["translation_id","lang","title","body","status"]""";
        string[] invalid =
        [
            Page(false, "c", Table("advisory_translation", columns, [good, """[1,"0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9a41","hi-IN","t","b"]"""], "[]")),
            Page(false, "c", Table("advisory_translation", columns, [good, """[1.5,"0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9a41","hi-IN","t","b","x"]"""], "[]")),
            Page(false, "c", Table("advisory_translation", columns, [good, """[1,"not-a-uuid","hi-IN","t","b","x"]"""], "[]")),
            Page(false, "c", Table("advisory_translation", columns, [good, """[1,"0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9a41",7,"t","b","x"]"""], "[]")),
            Page(false, "c", Table("advisory_translation", columns, [good], "[3]")),
            Page(false, "c", Table("advisory", """["advisory_id","valid_to"]""", ["""[1,"0197a6f0-1c2d-7e3f-8a4b-5c6d7e8f9a41","2026-02-30T00:00:00.000000Z"]"""], "[]")),
            $$"""{"cursor":"c","hasMore":false,"changes":[{"table":"advisory_translation","columns":{{columns}},"rows":[{{good}}]}]}""",
            $$"""{"cursor":"c","hasMore":false,"changes":[{"table":"advisory_translation","columns":{{columns}},"rows":[{{good}}],"deletes":[]""",
            """{"cursor":"c","hasMore":false}""",
        ];
        await using var device = await OpenAsync("device.db");

        foreach (var json in invalid)
        {
            var ex = Assert.ThrowsAsync<SyncProtocolException>(() => device.ApplyPullPageAsync(new EncodedPullPage(Encoding.UTF8.GetBytes(json), "c", hasMore: false), CancellationToken.None), json);
            Assert.That(ex!.Code, Is.EqualTo("invalid_response"), json);
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await device.ReadAllAsync("advisory_translation", CancellationToken.None), Is.Empty, "the good row went with its page");
            Assert.That(await device.GetCursorAsync(CancellationToken.None), Is.Null);
            Assert.That(await DeviceScalarAsync(device, "SELECT COUNT(*) FROM _ks_applying"), Is.Zero);
        });
    }

    private static string Page(bool hasMore, string cursor, params string[] tables) =>
        $$"""{"cursor":{{JsonSerializer.Serialize(cursor)}},"hasMore":{{(hasMore ? "true" : "false")}},"changes":[{{string.Join(",", tables)}}]}""";

    private static string Table(string name, string columns, string[] rows, string deletes) =>
        $$"""{"table":"{{name}}","columns":{{columns}},"rows":[{{string.Join(",", rows)}}],"deletes":{{deletes}}}""";

    private static EncodedPullPage Encoded(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return new EncodedPullPage(Encoding.UTF8.GetBytes(json), doc.RootElement.GetProperty("cursor").GetString()!, doc.RootElement.GetProperty("hasMore").GetBoolean());
    }

    /// <summary>
    /// Applies the pages to two fresh devices, decoded on one and from their bytes on the other, and reads back every
    /// pulled table as SQL literals (so text '1' and integer 1 differ). A null page starts a replacement.
    /// </summary>
    private async Task<(Outcome Decoded, Outcome Encoded)> ApplyBothWaysAsync(params string?[] pages)
    {
        await using var decodedDevice = await OpenAsync("decoded.db");
        await using var encodedDevice = await OpenAsync("encoded.db");
        (int, int) decodedCounts = (0, 0), encodedCounts = (0, 0);
        foreach (var json in pages)
        {
            if (json is null)
            {
                await decodedDevice.BeginReplacementAsync(CancellationToken.None);
                await encodedDevice.BeginReplacementAsync(CancellationToken.None);
                continue;
            }

            var d = await decodedDevice.ApplyPullPageAsync(Decode(json, Scope), CancellationToken.None);
            using var page = Encoded(json);
            var e = await encodedDevice.ApplyPullPageAsync(page, CancellationToken.None);
            decodedCounts = (decodedCounts.Item1 + d.Upserts, decodedCounts.Item2 + d.Deletes);
            encodedCounts = (encodedCounts.Item1 + e.Upserts, encodedCounts.Item2 + e.Deletes);
        }

        return (await OutcomeAsync(decodedDevice, decodedCounts), await OutcomeAsync(encodedDevice, encodedCounts));
    }

    private async Task<Outcome> OutcomeAsync(DeviceStore device, (int, int) counts)
    {
        var rows = new List<string>();
        foreach (var st in Scope.PulledTables)
        {
            var literals = string.Join(" || '|' || ", st.Table.Columns.Select(c => $"quote(\"{c.Name}\")").Prepend("quote(_ks_version)"));
            await using var cmd = device.Connection.CreateCommand();
            cmd.CommandText = $"SELECT {literals} FROM \"{st.Name}\" ORDER BY \"{st.Table.Key}\"";
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }
        }

        return new Outcome(counts, rows, await device.GetCursorAsync(CancellationToken.None));
    }

    /// <summary>The client's decoding of a page (SyncWire.ReadPage), with the engine's value codec.</summary>
    private static PullResponse Decode(string json, ScopeDefinition scope)
    {
        using var doc = JsonDocument.Parse(json);
        var changes = new List<TableChanges>();
        foreach (var t in doc.RootElement.GetProperty("changes").EnumerateArray())
        {
            var names = t.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
            if (!scope.TryGetTable(t.GetProperty("table").GetString()!, out var st))
            {
                continue;
            }

            var columns = names.Select(c => st.Table.TryGetOrdinal(c, out var o) ? st.Table.Columns[o] : null).ToArray();
            var tc = new TableChanges(st.Name, names);
            foreach (var row in t.GetProperty("rows").EnumerateArray())
            {
                var items = row.EnumerateArray().ToArray();
                var values = new object?[columns.Length];
                for (var i = 0; i < columns.Length; i++)
                {
                    if (columns[i] is { } column)
                    {
                        Assert.That(ValueCodec.TryFromJson(column, items[i + 1], out values[i]), Is.True, $"test data: {items[i + 1]} is a {column.Type}");
                    }
                }

                tc.Upserts.Add(new PulledRow(items[0].GetInt64(), values));
            }

            tc.Deletes.AddRange(t.GetProperty("deletes").EnumerateArray().Select(k => k.GetString()!));
            changes.Add(tc);
        }

        return new PullResponse(changes, doc.RootElement.GetProperty("cursor").GetString()!, doc.RootElement.GetProperty("hasMore").GetBoolean());
    }

    private sealed record Outcome((int Upserts, int Deletes) Counts, List<string> Rows, string? Cursor);
}
