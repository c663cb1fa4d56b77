package tv.twitchpulse.bench;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * 10 s tumbling message counts per channel (record key = room id), 5 s grace, final results
 * only (untilWindowCloses), exactly-once v2: the same work as twitch-pulse's 10 s chat rate.
 * Usage: ChatCounts BOOTSTRAP INPUT_TOPIC OUTPUT_TOPIC APPLICATION_ID STATE_DIR
 */
public final class ChatCounts {
  /** Event time is the chat message's eventTimeMs (tmi-sent-ts), read from the Avro body. */
  public static final class EventTime implements TimestampExtractor {
    public EventTime() {}

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
      byte[] value = (byte[]) record.value();
      if (value == null || value.length < 6 || value[0] != 0) return partitionTime;
      int[] pos = {5};
      // ChatMessage: id, channel, roomId, userId, login, displayName, text (strings), then eventTimeMs (long).
      for (int i = 0; i < 7; i++) {
        long length = readLong(value, pos);
        pos[0] += (int) length;
      }
      return readLong(value, pos);
    }

    private static long readLong(byte[] b, int[] pos) {
      long n = 0;
      int shift = 0;
      while (true) {
        int x = b[pos[0]++] & 0xff;
        n |= (long) (x & 0x7f) << shift;
        if ((x & 0x80) == 0) break;
        shift += 7;
      }
      return (n >>> 1) ^ -(n & 1);
    }
  }

  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, args[3]);
    props.put(StreamsConfig.STATE_DIR_CONFIG, args[4]);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, EventTime.class);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2);
    props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");

    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(args[1], Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(5)))
        .count()
        .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
        .toStream()
        .map((window, count) -> KeyValue.pair(window.key() + "@" + window.window().start(), count))
        .to(args[2], Produced.with(Serdes.String(), Serdes.Long()));

    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    CountDownLatch done = new CountDownLatch(1);
    streams.setUncaughtExceptionHandler(e -> {
      e.printStackTrace();
      System.exit(1);
      return null;
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> { streams.close(Duration.ofSeconds(10)); done.countDown(); }));
    streams.start();
    done.await();
  }
}
