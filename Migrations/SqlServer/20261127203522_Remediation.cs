using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace K8Posture.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Remediation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Assignee",
                table: "Findings",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Workflow",
                table: "Findings",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "FindingComments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    FindingId = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Author = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Text = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FindingComments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FindingComments_Findings_FindingId",
                        column: x => x.FindingId,
                        principalTable: "Findings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RemediationMetricSnapshots",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    TeamId = table.Column<int>(type: "int", nullable: true),
                    Open = table.Column<int>(type: "int", nullable: false),
                    Overdue = table.Column<int>(type: "int", nullable: false),
                    ClosedInPeriod = table.Column<int>(type: "int", nullable: false),
                    MttrHours = table.Column<double>(type: "float", nullable: true),
                    SlaCompliancePercent = table.Column<double>(type: "float", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RemediationMetricSnapshots", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RemediationMetricSnapshots_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "RiskAcceptances",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    FindingId = table.Column<long>(type: "bigint", nullable: true),
                    RuleId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    ClusterId = table.Column<int>(type: "int", nullable: true),
                    NamespaceName = table.Column<string>(type: "nvarchar(253)", maxLength: 253, nullable: true),
                    ImageRepository = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    OwnerTeamId = table.Column<int>(type: "int", nullable: true),
                    Severity = table.Column<int>(type: "int", nullable: false),
                    Reason = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false),
                    Status = table.Column<int>(type: "int", nullable: false),
                    RequestedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    RequestedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    RequestedBySubject = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    DecidedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    DecidedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    DecidedBySubject = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    DecisionComment = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    ExpiredAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RiskAcceptances", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RiskAcceptances_Clusters_ClusterId",
                        column: x => x.ClusterId,
                        principalTable: "Clusters",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_RiskAcceptances_Findings_FindingId",
                        column: x => x.FindingId,
                        principalTable: "Findings",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_RiskAcceptances_Teams_OwnerTeamId",
                        column: x => x.OwnerTeamId,
                        principalTable: "Teams",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "TeamNotificationTargets",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    TeamId = table.Column<int>(type: "int", nullable: false),
                    Kind = table.Column<int>(type: "int", nullable: false),
                    AddressProtected = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false),
                    DisplayAddress = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: false),
                    Enabled = table.Column<bool>(type: "bit", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    CreatedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    LastSentAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    LastError = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TeamNotificationTargets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TeamNotificationTargets_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RiskAcceptanceCoverage",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    RiskAcceptanceId = table.Column<long>(type: "bigint", nullable: false),
                    FindingId = table.Column<long>(type: "bigint", nullable: false),
                    CoveredAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RiskAcceptanceCoverage", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RiskAcceptanceCoverage_Findings_FindingId",
                        column: x => x.FindingId,
                        principalTable: "Findings",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_RiskAcceptanceCoverage_RiskAcceptances_RiskAcceptanceId",
                        column: x => x.RiskAcceptanceId,
                        principalTable: "RiskAcceptances",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SlaBreachNotifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    FindingId = table.Column<long>(type: "bigint", nullable: false),
                    TeamId = table.Column<int>(type: "int", nullable: false),
                    TargetId = table.Column<int>(type: "int", nullable: false),
                    SlaDueAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SlaBreachNotifications", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SlaBreachNotifications_Findings_FindingId",
                        column: x => x.FindingId,
                        principalTable: "Findings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SlaBreachNotifications_TeamNotificationTargets_TargetId",
                        column: x => x.TargetId,
                        principalTable: "TeamNotificationTargets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Findings_OwnerTeamId_Status_SlaDueAt",
                table: "Findings",
                columns: new[] { "OwnerTeamId", "Status", "SlaDueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_FindingComments_FindingId_At",
                table: "FindingComments",
                columns: new[] { "FindingId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_RemediationMetricSnapshots_Day_TeamId",
                table: "RemediationMetricSnapshots",
                columns: new[] { "Day", "TeamId" },
                unique: true,
                filter: "[TeamId] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_RemediationMetricSnapshots_TeamId",
                table: "RemediationMetricSnapshots",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_RiskAcceptanceCoverage_FindingId",
                table: "RiskAcceptanceCoverage",
                column: "FindingId");

            migrationBuilder.CreateIndex(
                name: "IX_RiskAcceptanceCoverage_RiskAcceptanceId_FindingId",
                table: "RiskAcceptanceCoverage",
                columns: new[] { "RiskAcceptanceId", "FindingId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RiskAcceptances_ClusterId",
                table: "RiskAcceptances",
                column: "ClusterId");

            migrationBuilder.CreateIndex(
                name: "IX_RiskAcceptances_FindingId",
                table: "RiskAcceptances",
                column: "FindingId");

            migrationBuilder.CreateIndex(
                name: "IX_RiskAcceptances_OwnerTeamId_Status",
                table: "RiskAcceptances",
                columns: new[] { "OwnerTeamId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_RiskAcceptances_Status_ExpiresAt",
                table: "RiskAcceptances",
                columns: new[] { "Status", "ExpiresAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SlaBreachNotifications_FindingId_SlaDueAt_TargetId",
                table: "SlaBreachNotifications",
                columns: new[] { "FindingId", "SlaDueAt", "TargetId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SlaBreachNotifications_TargetId",
                table: "SlaBreachNotifications",
                column: "TargetId");

            migrationBuilder.CreateIndex(
                name: "IX_SlaBreachNotifications_TeamId_SentAt",
                table: "SlaBreachNotifications",
                columns: new[] { "TeamId", "SentAt" });

            migrationBuilder.CreateIndex(
                name: "IX_TeamNotificationTargets_TeamId",
                table: "TeamNotificationTargets",
                column: "TeamId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FindingComments");

            migrationBuilder.DropTable(
                name: "RemediationMetricSnapshots");

            migrationBuilder.DropTable(
                name: "RiskAcceptanceCoverage");

            migrationBuilder.DropTable(
                name: "SlaBreachNotifications");

            migrationBuilder.DropTable(
                name: "RiskAcceptances");

            migrationBuilder.DropTable(
                name: "TeamNotificationTargets");

            migrationBuilder.DropIndex(
                name: "IX_Findings_OwnerTeamId_Status_SlaDueAt",
                table: "Findings");

            migrationBuilder.DropColumn(
                name: "Assignee",
                table: "Findings");

            migrationBuilder.DropColumn(
                name: "Workflow",
                table: "Findings");
        }
    }
}
