using static K8Posture.Shared.ColumnLengths;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Inventory.Parsing;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Inventory;

/// <summary>Egress pulls (registry and download logs), each log line counted once.</summary>
public sealed partial class InventoryIngestor
{
    private static async Task ApplyEgressAsync(PushWork work, IReadOnlyList<ParsedEgress> pulls, CancellationToken ct)
    {
        if (pulls.Count == 0)
        {
            return;
        }
        var db = work.Db;
        var hashed = pulls.Select(p => (Hash: LineHash(p), Pull: p)).DistinctBy(p => p.Hash).ToList();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in hashed.Select(h => h.Hash).Chunk(FindingStore.ChunkSize))
        {
            known.UnionWith(await db.EgressObservations.IgnoreQueryFilters().Where(o => EF.Parameter(chunk).Contains(o.LineHash)).Select(o => o.LineHash).ToListAsync(ct));
        }
        var fresh = hashed.Where(h => !known.Contains(h.Hash)).ToList();
        work.EgressDuplicates = pulls.Count - fresh.Count;
        work.EgressNew = fresh.Count;
        var observations = fresh.Select(h => new EgressObservation
        {
            LineHash = h.Hash,
            At = h.Pull.At,
            SourceHost = Clip(h.Pull.SourceHost, EgressObservationConfiguration.SourceHostMaxLength)!,
            UserName = Clip(h.Pull.User, EgressObservationConfiguration.UserNameMaxLength),
            OwnerTeamId = work.PushDirectory.TeamOf(h.Pull.Team),
            DestinationHost = Clip(h.Pull.DestinationHost, EgressObservationConfiguration.DestinationHostMaxLength)!,
            Bytes = h.Pull.Bytes,
            BatchId = work.BatchId,
        }).ToList();
        await BulkInserter.InsertAsync(db, observations, assignIds: false, ct);

        // Daily aggregates: add what this push newly saw.
        foreach (var day in observations.GroupBy(o => (Day: DateOnly.FromDateTime(o.At.UtcDateTime), o.OwnerTeamId, o.SourceHost, o.DestinationHost)))
        {
            var (date, team, sourceHost, destination) = day.Key;
            var aggregate = await db.EgressDaily.IgnoreQueryFilters()
                .FirstOrDefaultAsync(d => d.Day == date && d.OwnerTeamId == team && d.SourceHost == sourceHost && d.DestinationHost == destination, ct);
            if (aggregate is null)
            {
                aggregate = new EgressDaily { Day = date, OwnerTeamId = team, SourceHost = sourceHost, DestinationHost = destination, Registry = RegistryHosts.Classify(destination) ?? "helm" };
                db.EgressDaily.Add(aggregate);
            }
            aggregate.Requests += day.Count();
            aggregate.Bytes += day.Sum(o => o.Bytes);
        }

        // One record per source host → destination, with the log's own first and last times.
        var byPair = fresh.GroupBy(h => $"{h.Pull.SourceHost}|{h.Pull.DestinationHost}").ToList();
        var keys = byPair.Select(g => g.Key).ToList();
        var existing = await db.InventoryRecords.IgnoreQueryFilters()
            .Where(r => r.Kind == InventoryKind.EgressPull && keys.Contains(r.NaturalKey))
            .ToDictionaryAsync(r => r.NaturalKey, StringComparer.Ordinal, ct);
        foreach (var pair in byPair)
        {
            var first = pair.Min(p => p.Pull.At);
            var last = pair.Max(p => p.Pull.At);
            var sample = pair.OrderByDescending(p => p.Pull.At).First().Pull;
            existing.TryGetValue(pair.Key, out var record);
            var ownerTeamId = work.PushDirectory.TeamOf(sample.Team);
            record = Upsert(work, record, InventoryKind.EgressPull, pair.Key, $"{sample.SourceHost} → {sample.DestinationHost}", last, r =>
            {
                r.Hostname = Clip(sample.SourceHost, InventoryRecordConfiguration.HostnameMaxLength);
                r.UserName = Clip(sample.User, InventoryRecordConfiguration.UserNameMaxLength) ?? r.UserName;
                r.Endpoint = Clip(sample.DestinationHost, InventoryRecordConfiguration.EndpointMaxLength);
                r.Product = Clip(sample.Registry, InventoryRecordConfiguration.ProductMaxLength);
                r.Requests += pair.Count();
                r.Bytes += pair.Sum(p => p.Pull.Bytes);
                r.OwnerTeamId = ownerTeamId ?? r.OwnerTeamId;
                r.BusinessUnitId = work.PushDirectory.UnitOf(null, r.OwnerTeamId, null) ?? r.BusinessUnitId;
                r.EvidenceJson = Evidence(new Dictionary<string, object?>
                {
                    ["lastRow"] = sample.Row,
                    ["team"] = sample.Team,
                    ["registry"] = sample.Registry,
                });
            });
            if (first < record.FirstSeenAt)
            {
                record.FirstSeenAt = first;
            }
        }
        await db.SaveChangesAsync(ct);
    }

    private static string LineHash(ParsedEgress pull) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f',
            pull.At.UtcTicks.ToString(CultureInfo.InvariantCulture), pull.SourceHost, pull.User, pull.Team, pull.DestinationHost, pull.Bytes.ToString(CultureInfo.InvariantCulture)))));

    private static string? Evidence(Dictionary<string, object?> values)
    {
        var json = JsonSerializer.Serialize(values.Where(v => v.Value is not null).ToDictionary(), EvidenceJson);
        return json.Length <= 8000 ? json : json[..8000];
    }
}
