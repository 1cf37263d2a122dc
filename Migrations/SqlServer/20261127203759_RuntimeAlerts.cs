using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace K8Posture.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class RuntimeAlerts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "RuntimeAlerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Source = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    SourceId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    DedupeKey = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false),
                    Rule = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: false),
                    Priority = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: true),
                    Severity = table.Column<int>(type: "int", nullable: false),
                    IocClass = table.Column<int>(type: "int", nullable: false),
                    IocEvidence = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    Output = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true),
                    Tags = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    OccurredAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    FirstSeenAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    LastSeenAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    OccurrenceCount = table.Column<int>(type: "int", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    LastBatchId = table.Column<long>(type: "bigint", nullable: true),
                    ClusterName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    ClusterId = table.Column<int>(type: "int", nullable: true),
                    NamespaceName = table.Column<string>(type: "nvarchar(253)", maxLength: 253, nullable: true),
                    Workload = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: true),
                    Pod = table.Column<string>(type: "nvarchar(253)", maxLength: 253, nullable: true),
                    Container = table.Column<string>(type: "nvarchar(253)", maxLength: 253, nullable: true),
                    Image = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    Process = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: true),
                    CommandLine = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    User = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    Hostname = table.Column<string>(type: "nvarchar(253)", maxLength: 253, nullable: true),
                    FieldsJson = table.Column<string>(type: "nvarchar(max)", maxLength: 32000, nullable: true),
                    OwnerTeamId = table.Column<int>(type: "int", nullable: true),
                    Triage = table.Column<int>(type: "int", nullable: false),
                    TriagedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    TriagedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    TriageNote = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    SuppressedBy = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RuntimeAlerts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RuntimeAlerts_Clusters_ClusterId",
                        column: x => x.ClusterId,
                        principalTable: "Clusters",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_RuntimeAlerts_Teams_OwnerTeamId",
                        column: x => x.OwnerTeamId,
                        principalTable: "Teams",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "SiemOutbox",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Kind = table.Column<int>(type: "int", nullable: false),
                    EntityId = table.Column<long>(type: "bigint", nullable: false),
                    EventJson = table.Column<string>(type: "nvarchar(max)", maxLength: 40000, nullable: false),
                    Status = table.Column<int>(type: "int", nullable: false),
                    Attempts = table.Column<int>(type: "int", nullable: false),
                    LastError = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    NextAttemptAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SiemOutbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RuntimeAlertEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    AlertId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<int>(type: "int", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Actor = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    From = table.Column<int>(type: "int", nullable: true),
                    To = table.Column<int>(type: "int", nullable: true),
                    Note = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    BatchId = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RuntimeAlertEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RuntimeAlertEvents_RuntimeAlerts_AlertId",
                        column: x => x.AlertId,
                        principalTable: "RuntimeAlerts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RuntimeAlertEvents_AlertId_At",
                table: "RuntimeAlertEvents",
                columns: new[] { "AlertId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_RuntimeAlerts_ClusterId",
                table: "RuntimeAlerts",
                column: "ClusterId");

            migrationBuilder.CreateIndex(
                name: "IX_RuntimeAlerts_DedupeKey",
                table: "RuntimeAlerts",
                column: "DedupeKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RuntimeAlerts_IocClass_LastSeenAt",
                table: "RuntimeAlerts",
                columns: new[] { "IocClass", "LastSeenAt" });

            migrationBuilder.CreateIndex(
                name: "IX_RuntimeAlerts_LastSeenAt",
                table: "RuntimeAlerts",
                column: "LastSeenAt");

            migrationBuilder.CreateIndex(
                name: "IX_RuntimeAlerts_OwnerTeamId_LastSeenAt",
                table: "RuntimeAlerts",
                columns: new[] { "OwnerTeamId", "LastSeenAt" });

            migrationBuilder.CreateIndex(
                name: "IX_RuntimeAlerts_SuppressedBy_LastSeenAt",
                table: "RuntimeAlerts",
                columns: new[] { "SuppressedBy", "LastSeenAt" });

            migrationBuilder.CreateIndex(
                name: "IX_RuntimeAlerts_Triage_LastSeenAt",
                table: "RuntimeAlerts",
                columns: new[] { "Triage", "LastSeenAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SiemOutbox_Kind_EntityId",
                table: "SiemOutbox",
                columns: new[] { "Kind", "EntityId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SiemOutbox_Status_NextAttemptAt",
                table: "SiemOutbox",
                columns: new[] { "Status", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RuntimeAlertEvents");

            migrationBuilder.DropTable(
                name: "SiemOutbox");

            migrationBuilder.DropTable(
                name: "RuntimeAlerts");
        }
    }
}
