using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace KhetiSahayak.Advisories.Reference;

/// <summary>
/// The three LGD dumps (<c>states.csv</c>, <c>districts.csv</c>, <c>blocks.csv</c>) read in full, every field the
/// reference tables keep, checked row by row and against each other. Any problem fails the whole read with
/// <see cref="LgdFileException"/> naming file, line and field, so a loader built on it writes all or nothing.
/// </summary>
/// <remarks>
/// Columns are found by trimmed, case-insensitive header. <c>states.csv</c> has "State Name" twice and
/// <c>blocks.csv</c> "Block Name " and "Block Name": the first is the name, the second the name in the local script
/// (often empty in blocks.csv; empty becomes null). A few blocks are listed under two districts (blocks on a district
/// boundary in Assam); each listing is its own row, so the pair (block, district) must be unique, not the block.
/// </remarks>
public sealed class LgdFiles
{
    public const string StatesFile = "states.csv";
    public const string DistrictsFile = "districts.csv";
    public const string BlocksFile = "blocks.csv";

    /// <summary>Errors collected before giving up, so one broken column does not print 7,000 lines.</summary>
    public const int MaxErrors = 50;

    private LgdFiles(IReadOnlyList<LgdState> states, IReadOnlyList<LgdDistrict> districts, IReadOnlyList<LgdBlock> blocks)
    {
        States = states;
        Districts = districts;
        Blocks = blocks;
    }

    public IReadOnlyList<LgdState> States { get; }

    public IReadOnlyList<LgdDistrict> Districts { get; }

    public IReadOnlyList<LgdBlock> Blocks { get; }

    /// <summary>Reads the three files from a folder; a missing file is an error naming it.</summary>
    public static async Task<LgdFiles> ReadAsync(string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var missing = new[] { StatesFile, DistrictsFile, BlocksFile }
            .Where(f => !File.Exists(Path.Combine(directory, f)))
            .Select(f => new LgdFileError(f, 0, "file", $"no such file in {directory}"))
            .ToList();
        if (missing.Count > 0)
        {
            throw new LgdFileException(missing);
        }

        await using var states = File.OpenRead(Path.Combine(directory, StatesFile));
        await using var districts = File.OpenRead(Path.Combine(directory, DistrictsFile));
        await using var blocks = File.OpenRead(Path.Combine(directory, BlocksFile));
        return await ReadAsync(states, districts, blocks, cancellationToken);
    }

    public static async Task<LgdFiles> ReadAsync(Stream states, Stream districts, Stream blocks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(districts);
        ArgumentNullException.ThrowIfNull(blocks);
        var errors = new Errors();

        var stateList = new List<LgdState>();
        var stateCodes = new HashSet<long>();
        await ReadAsync(states, StatesFile, ["state code", "state version", "state name", "state name#2", "state or ut"], 3, errors, row =>
        {
            var code = row.Code(0);
            var version = row.Code(1);
            var name = row.Name(2);
            if (code is null || version is null || name is null)
            {
                // Known anyway, so its districts are not reported as well.
                if (code is not null)
                {
                    stateCodes.Add(code.Value);
                }

                return;
            }

            if (!stateCodes.Add(code.Value))
            {
                row.Error(0, $"state {code} is listed twice");
                return;
            }

            stateList.Add(new LgdState(code.Value, version.Value, name, row.Optional(3), row.Optional(4), row.Line));
        }, cancellationToken);

        var districtList = new List<LgdDistrict>();
        var districtState = new Dictionary<long, long>();

        // Districts whose own row is reported: their blocks are skipped rather than reported a second time.
        var brokenDistricts = new HashSet<long>();
        await ReadAsync(districts, DistrictsFile, ["state code", "district code", "district name"], 3, errors, row =>
        {
            var state = row.Code(0);
            var code = row.Code(1);
            var name = row.Name(2);
            if (state is null || code is null || name is null)
            {
                if (code is not null)
                {
                    brokenDistricts.Add(code.Value);
                }

                return;
            }

            if (!stateCodes.Contains(state.Value))
            {
                row.Error(0, $"state {state} is not in {StatesFile}");
                brokenDistricts.Add(code.Value);
                return;
            }

            if (!districtState.TryAdd(code.Value, state.Value))
            {
                row.Error(1, $"district {code} is listed twice");
                return;
            }

            districtList.Add(new LgdDistrict(code.Value, state.Value, name, row.Line));
        }, cancellationToken);

        var blockList = new List<LgdBlock>();
        var listings = new HashSet<(long Block, long District)>();
        await ReadAsync(blocks, BlocksFile, ["state code", "district code", "block code", "block version", "block name", "block name#2"], 5, errors, row =>
        {
            var state = row.Code(0);
            var district = row.Code(1);
            var code = row.Code(2);
            var version = row.Code(3);
            var name = row.Name(4);
            if (state is null || district is null || code is null || version is null || name is null)
            {
                return;
            }

            if (!districtState.TryGetValue(district.Value, out var districtsState))
            {
                if (brokenDistricts.Contains(district.Value))
                {
                    return;
                }

                row.Error(1, $"district {district} is not in {DistrictsFile}");
                return;
            }

            if (districtsState != state.Value)
            {
                row.Error(0, $"state {state} does not match district {district}, which {DistrictsFile} puts in state {districtsState}");
                return;
            }

            if (!listings.Add((code.Value, district.Value)))
            {
                row.Error(2, $"block {code} is listed twice under district {district}");
                return;
            }

            blockList.Add(new LgdBlock(code.Value, district.Value, state.Value, version.Value, name, row.Optional(5), row.Line));
        }, cancellationToken);

        if (errors.List.Count > 0)
        {
            throw new LgdFileException(errors.List);
        }

        return new LgdFiles(stateList, districtList, blockList);
    }

    /// <summary>
    /// Reads one file. <paramref name="columns"/> are normalised header names; <c>name#2</c> is the second column with
    /// that name. The first <paramref name="required"/> columns must exist, later ones may be missing (read as empty).
    /// </summary>
    private static async Task ReadAsync(Stream stream, string file, string[] columns, int required, Errors errors, Action<Row> onRow, CancellationToken cancellationToken)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectColumnCountChanges = false,
            MissingFieldFound = null,
            BadDataFound = args => errors.Add(new LgdFileError(file, args.Context.Parser?.RawRow ?? 0, "row", "malformed CSV (a stray or unbalanced quote)")),
        };
        using var text = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        using var csv = new CsvReader(text, config);
        if (!await csv.ReadAsync())
        {
            errors.Add(new LgdFileError(file, 1, "header", "the file is empty"));
            return;
        }

        csv.ReadHeader();
        var header = (csv.HeaderRecord ?? []).Select(Normalize).ToArray();
        var indexes = new int[columns.Length];
        var headerOk = true;
        for (var i = 0; i < columns.Length; i++)
        {
            var parts = columns[i].Split('#');
            var occurrence = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 1;
            indexes[i] = header.Select((h, at) => (h, at)).Where(x => x.h == parts[0]).Select(x => x.at).Skip(occurrence - 1).DefaultIfEmpty(-1).First();
            if (indexes[i] < 0 && i < required)
            {
                errors.Add(new LgdFileError(file, 1, parts[0], $"no such column (header: {string.Join(", ", csv.HeaderRecord ?? [])})"));
                headerOk = false;
            }
        }

        if (!headerOk)
        {
            return;
        }

        var row = new Row(file, columns, indexes, csv, errors);
        while (await csv.ReadAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (errors.Full)
            {
                return;
            }

            onRow(row);
        }
    }

    private static string Normalize(string header) => string.Join(' ', header.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToLowerInvariant();

    private sealed class Errors
    {
        public List<LgdFileError> List { get; } = [];

        public bool Full => List.Count >= MaxErrors;

        public void Add(LgdFileError error)
        {
            if (!Full)
            {
                List.Add(error);
            }
        }
    }

    /// <summary>The current record of one file, with field readers that report what is wrong and where.</summary>
    private sealed class Row(string file, string[] columns, int[] indexes, CsvReader csv, Errors errors)
    {
        public long Line => csv.Parser.RawRow;

        /// <summary>A positive integer code, or null after reporting why not.</summary>
        public long? Code(int column)
        {
            var raw = Raw(column);
            if (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                return value;
            }

            Error(column, raw.Length == 0 ? "is empty; a positive integer code is required" : $"'{raw}' is not a positive integer code");
            return null;
        }

        /// <summary>A non-empty name, trimmed, or null after reporting that it is empty.</summary>
        public string? Name(int column)
        {
            var raw = Raw(column);
            if (raw.Length > 0)
            {
                return raw;
            }

            Error(column, "is empty; a name is required");
            return null;
        }

        /// <summary>An optional text: trimmed, null when empty or when the file has no such column.</summary>
        public string? Optional(int column)
        {
            var raw = Raw(column);
            return raw.Length == 0 ? null : raw;
        }

        public void Error(int column, string message) => errors.Add(new LgdFileError(file, Line, FieldName(column), message));

        private string Raw(int column) => indexes[column] < 0 ? string.Empty : (csv.GetField(indexes[column]) ?? string.Empty).Trim();

        private string FieldName(int column)
        {
            var header = csv.HeaderRecord;
            return indexes[column] >= 0 && header is not null && indexes[column] < header.Length ? header[indexes[column]].Trim() : columns[column].Split('#')[0];
        }
    }
}
