/** storyloom's composition root. The wiring lands with the mailbox core. */
console.log('storyloom: nothing to run yet');
