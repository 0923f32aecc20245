/**
 * Training, evaluating and using models from the command line: {@code train} (BPR-MF; {@code --model
 * vbpr} and its variants hand over to the VBPR command), {@code evaluate}, {@code recommend},
 * {@code ctr-train}, {@code ctr-predict}, and the diagnostics {@code diagnose}, {@code lr-find} and
 * {@code replay-optimizer}; plus the run record (--log-json, --report) the training commands write.
 */
package dev.sparsetrain.cli.train;
