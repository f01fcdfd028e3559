/**
 * The Kafka event log of cluster mode: {@link dev.uptake.cluster.KafkaEventLog} is what ingest
 * nodes append to, {@link dev.uptake.cluster.TopicReader} what processors read, {@link
 * dev.uptake.cluster.EventRecords} the records between them, and {@link
 * dev.uptake.cluster.EventTopic} the topic they share.
 */
package dev.uptake.cluster;
