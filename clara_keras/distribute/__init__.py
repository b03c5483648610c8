"""clara_keras.distribute"""
