/**
 * {@code experiment ...}: the rerunnable studies of module studies (vbpr-ablation, sparsenn-passes,
 * optimizer-tour, optimizer-landscape); each prints a table and writes the study's HTML report.
 */
package dev.sparsetrain.cli.experiments;
