package kernel

// knownPrefixes map the names of well-known trace events to their
// category (TRACE_SYSTEM) where the first word of the name is not the
// category. BTF does not record categories, so without tracefs they are
// guessed (see guessCategory); this table makes the guess right for the
// events bpftrace's tools and common scripts use. Longest prefix wins.
var knownPrefixes = []struct{ prefix, category string }{
	{"sys_enter", "raw_syscalls"},
	{"sys_exit", "raw_syscalls"},

	{"softirq_", "irq"},
	{"tasklet_", "irq"},
	{"irq_matrix_", "irq_matrix"},
	{"local_timer_", "irq_vectors"},
	{"reschedule_", "irq_vectors"},
	{"call_function_", "irq_vectors"},
	{"vector_", "irq_vectors"},
	{"hrtimer_", "timer"},
	{"itimer_", "timer"},
	{"tick_stop", "timer"},
	{"tmigr_", "timer_migration"},
	{"cpu_frequency", "power"},
	{"cpu_idle", "power"},
	{"pm_qos_", "power"},
	{"dev_pm_qos_", "power"},
	{"suspend_resume", "power"},
	{"page_fault_", "exceptions"},
	{"x86_fpu_", "x86_fpu"},
	{"contention_", "lock"},

	{"kmalloc", "kmem"},
	{"kfree", "kmem"},
	{"kmem_cache_", "kmem"},
	{"rss_stat", "kmem"},
	{"mm_page_", "kmem"},
	{"mm_compaction_", "compaction"},
	{"mm_vmscan_", "vmscan"},
	{"mm_shrink_slab", "vmscan"},
	{"mm_filemap_", "filemap"},
	{"mm_khugepaged_", "huge_memory"},
	{"mm_collapse_huge_page", "huge_memory"},
	{"mm_migrate_", "migrate"},
	{"mm_lru_", "pagemap"},
	{"mmap_lock_", "mmap_lock"},
	{"page_cache_", "readahead"},
	{"dax_", "fs_dax"},

	{"io_uring_", "io_uring"},
	{"blk_zone_", "block"},
	{"dma_fence_", "dma_fence"},

	{"kfree_skb", "skb"},
	{"consume_skb", "skb"},
	{"inet_sock_set_state", "sock"},
	{"inet_sk_error_report", "sock"},
	{"sk_data_ready", "sock"},
	{"netif_", "net"},
	{"napi_gro_", "net"},
	{"page_pool_", "page_pool"},
	{"br_", "bridge"},

	{"cap_capable", "capability"},
	{"selinux_audited", "avc"},
	{"bpf_trace_printk", "bpf_trace"},
	{"kvm_mmu_", "kvmmmu"},
	{"xlog_", "xfs"},
}
