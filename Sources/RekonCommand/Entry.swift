public enum RekonCommandEntry {}
